import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { checkPathText } from './check-path-text';
import { errnoOf, FilesErrors, fsError } from './files-errors';
import { isInside } from './is-inside';
import { quotePath } from './quote-path';

// O_NOFOLLOW and O_DIRECTORY are 0 where the platform has none (Windows); O_NONBLOCK keeps a FIFO
// from blocking a thread-pool thread in open(2) forever.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * A directory opened and verified to be inside the roots. On Linux, `at(name)` addresses entries
 * through `/proc/self/fd/<fd>/<name>`, so every later operation (create, link, rename, unlink, list)
 * happens in exactly the directory that was checked, even if a path component is swapped for a
 * symbolic link afterwards (the openat(2) guarantee, which Node has no call for).
 */
export interface OpenedDirectory {
  /** Its real path when it was opened and checked. */
  readonly path: string;
  /** A path naming the entry `name` (one name, no `/`) of this directory; without a name, the directory. */
  at(name?: string): string;
  close(): Promise<void>;
}

/** An entry addressed by its real parent directory and its own name (the last component not followed). */
export interface ResolvedEntry {
  /** The real parent directory. */
  parent: string;
  name: string;
  /** `parent/name`. */
  path: string;
  /** The entry is one of the roots itself. */
  isRoot: boolean;
}

/** What {@link Jail.create} needs. Paths may be symbolic links; they are resolved once here. */
export interface JailOptions {
  /** Absolute root directories (after `~` expansion). */
  roots: readonly string[];
  /** Absolute paths never served or changed, even inside a root (the agent's data dir). */
  denied: readonly string[];
  /** The agent user's home, for `~` in requests. */
  home: string;
  allowHardlinkedReads: boolean;
}


/**
 * The files plugin's confinement. Every request path goes through it:
 *
 * 1. its text is checked ({@link checkPathText}: `..`, NUL, backslashes, look-alikes, encodings);
 * 2. `~` is expanded and relative paths are taken from a base (a session's working directory);
 * 3. the lexical path must be inside a root by a path-relative test (`path.relative`, never a string
 *    prefix: `/home/al` is not inside `/home/alice`), and not inside a denied path;
 * 4. `realpath` resolves every symbolic link, and the real path must pass the same tests (a link
 *    leading out is `TF_ERR_SYMLINK_ESCAPE`); for a new entry, the real parent does;
 * 5. opens use `O_NOFOLLOW` (a link swapped in after the check fails with ELOOP) and are verified
 *    again on the descriptor (on Linux through `/proc/self/fd`), so a swapped directory component
 *    is caught too; regular files with other hard links are refused unless configured.
 */
export class Jail {
  private constructor(
    /** Roots as configured (after `~`), for the lexical test of paths that use a linked alias. */
    private readonly lexicalRoots: readonly string[],
    /** Roots with every link resolved. */
    readonly roots: readonly string[],
    private readonly denied: readonly string[],
    private readonly home: string,
    private readonly allowHardlinkedReads: boolean,
    /** `/proc/self/fd/<fd>` names the file a descriptor refers to (Linux). */
    private readonly procFd: boolean,
  ) {}

  /**
   * Resolves the roots (a missing or non-directory root is skipped and reported) and the denied
   * paths (a missing one is still denied by its lexical form).
   */
  static async create(options: JailOptions): Promise<{ jail: Jail; skipped: Array<{ root: string; reason: string }> }> {
    const lexicalRoots: string[] = [];
    const roots: string[] = [];
    const skipped: Array<{ root: string; reason: string }> = [];
    for (const root of options.roots) {
      try {
        const real = await realpath(root);
        if (!(await stat(real)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        lexicalRoots.push(path.resolve(root));
        roots.push(real);
      } catch (error) {
        skipped.push({ root, reason: errnoOf(error) === 'ENOENT' ? 'does not exist' : (error as Error).message });
      }
    }
    const denied: string[] = [];
    for (const entry of options.denied) {
      denied.push(path.resolve(entry));
      const real = await realpath(entry).catch(() => null);
      if (real !== null && real !== path.resolve(entry)) denied.push(real);
    }
    const procFd = roots.length > 0 && (await probeProcFd(roots[0]));
    return { jail: new Jail(lexicalRoots, roots, denied, options.home, options.allowHardlinkedReads, procFd), skipped };
  }

  /** The same rules below `dir` only (a real path inside the roots): what a share link may see. No root at all when `dir` is outside or `null`. */
  narrowTo(dir: string | null): Jail {
    const inside = dir !== null && this.isInsideRoots(dir) && !this.isDenied(dir);
    return new Jail(inside ? [dir] : [], inside ? [dir] : [], this.denied, this.home, this.allowHardlinkedReads, this.procFd);
  }

  /** Steps 1–3: the absolute lexical path, or a refusal. `base` (real, absolute) resolves relative paths. */
  lexical(raw: unknown, base?: string): string {
    const text = checkPathText(raw);
    let absolute: string;
    if (text === '~' || text.startsWith('~/')) absolute = this.home + text.slice(1);
    else if (text.startsWith('/')) absolute = text;
    else if (base !== undefined) absolute = path.join(base, text);
    else throw FilesErrors.badPath(`path ${quotePath(text)} must be absolute (or start with ~/)`);
    const resolved = path.resolve(absolute);
    if (!this.lexicalRoots.some((root) => isInside(root, resolved)) && !this.roots.some((root) => isInside(root, resolved))) throw FilesErrors.outsideRoots(quotePath(text));
    if (this.isDenied(resolved)) throw FilesErrors.denied();
    return resolved;
  }

  /** Steps 1–4 for an existing path, every link followed: its real path. */
  async resolve(raw: unknown, base?: string): Promise<string> {
    const lexical = this.lexical(raw, base);
    return this.real(lexical, quotePath(String(raw)));
  }

  /**
   * Steps 1–4 for an entry itself (a link is not followed: what stat, rename and delete act on) or
   * a name to create: the parent is resolved, the name kept.
   */
  async resolveEntry(raw: unknown, base?: string): Promise<ResolvedEntry> {
    const lexical = this.lexical(raw, base);
    const what = quotePath(String(raw));
    // A root has no parent inside the jail: it is resolved whole (and callers refuse to move or delete it).
    if (this.lexicalRoots.includes(lexical) || this.roots.includes(lexical)) {
      const real = await this.real(lexical, what);
      return { parent: path.dirname(real), name: path.basename(real), path: real, isRoot: true };
    }
    const parent = await this.real(path.dirname(lexical), `the directory of ${what}`);
    const name = path.basename(lexical);
    const full = path.join(parent, name);
    this.checkReal(full, what, false);
    return { parent, name, path: full, isRoot: this.roots.includes(full) };
  }

  /** Opens a real directory path for work inside it; refuses it if it changed since it was checked. */
  async openDirectory(real: string, what = quotePath(real)): Promise<OpenedDirectory> {
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (error) {
      // With O_DIRECTORY, Linux reports a link in the last place as ENOTDIR rather than ELOOP.
      const code = errnoOf(error);
      const isLink = code === 'ELOOP' || (code === 'ENOTDIR' && (await lstat(real).then((s) => s.isSymbolicLink(), () => false)));
      throw isLink ? FilesErrors.symlinkEscape(`${what} (swapped for a link after it was checked)`) : fsError(error, what);
    }
    try {
      if (!(await handle.stat()).isDirectory()) throw FilesErrors.notADirectory(what);
      const actual = await this.verifyDescriptor(handle, real, what);
      const fd = handle.fd;
      return {
        path: actual,
        at: (name?: string) => {
          if (name !== undefined && (name === '' || name.includes('/'))) throw new TypeError(`not a single name: ${name}`);
          const dir = this.procFd ? `/proc/self/fd/${fd}` : actual;
          return name === undefined ? dir : `${dir}/${name}`;
        },
        close: () => handle.close(),
      };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Opens a regular file for reading (step 5): `O_NOFOLLOW`, `O_NONBLOCK` (a FIFO cannot hang the
   * open), a regular file only, no other hard links unless allowed, and the descriptor verified.
   */
  async openFile(real: string, what = quotePath(real)): Promise<{ handle: FileHandle; stats: Stats }> {
    let handle: FileHandle;
    try {
      handle = await open(real, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    } catch (error) {
      throw errnoOf(error) === 'ELOOP' ? FilesErrors.symlinkEscape(`${what} (swapped for a link after it was checked)`) : fsError(error, what);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw FilesErrors.notAFile(what);
      if (stats.nlink > 1 && !this.allowHardlinkedReads) throw FilesErrors.hardlinkRefused();
      await this.verifyDescriptor(handle, real, what);
      return { handle, stats };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Whether `p` (real) is one of the roots. */
  isRoot(p: string): boolean {
    return this.roots.includes(p);
  }

  isInsideRoots(p: string): boolean {
    return this.roots.some((root) => isInside(root, p));
  }

  /** Whether `p` is a denied path or inside one. */
  isDenied(p: string): boolean {
    return this.denied.some((denied) => isInside(denied, p));
  }

  /** Whether a denied path is `p` or inside it (renaming or deleting `p` would take it along). */
  containsDenied(p: string): boolean {
    return this.denied.some((denied) => isInside(p, denied));
  }

  /** realpath, then the real path's tests. */
  private async real(lexical: string, what: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(lexical);
    } catch (error) {
      if (errnoOf(error) === 'ELOOP') throw FilesErrors.badPath(`${what} goes through a loop of symbolic links`);
      throw fsError(error, what);
    }
    this.checkReal(real, what, true);
    return real;
  }

  private checkReal(real: string, what: string, viaLinks: boolean): void {
    if (!this.isInsideRoots(real)) throw viaLinks ? FilesErrors.symlinkEscape(what) : FilesErrors.outsideRoots(what);
    if (this.isDenied(real)) throw FilesErrors.denied();
  }

  /** The path an open descriptor really refers to, checked like any request path. */
  private async verifyDescriptor(handle: FileHandle, expected: string, what: string): Promise<string> {
    let actual: string;
    if (this.procFd) {
      actual = await readlink(`/proc/self/fd/${handle.fd}`);
    } else {
      // Without /proc: the checked path must still name the very file that was opened.
      actual = await realpath(expected).catch(() => '');
      const [opened, named] = await Promise.all([handle.stat(), actual === '' ? null : stat(actual).catch(() => null)]);
      if (named === null || named.ino !== opened.ino || named.dev !== opened.dev) throw FilesErrors.symlinkEscape(`${what} (changed while it was opened)`);
    }
    if (!this.isInsideRoots(actual)) throw FilesErrors.symlinkEscape(`${what} (a directory on its way was swapped for a link)`);
    if (this.isDenied(actual)) throw FilesErrors.denied();
    return actual;
  }
}

/** Whether `/proc/self/fd/<fd>` tells the real path of an open directory here. */
async function probeProcFd(dir: string): Promise<boolean> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, constants.O_RDONLY | O_DIRECTORY);
    return (await readlink(`/proc/self/fd/${handle.fd}`)) === dir;
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
