import { link, lstat, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { errnoOf, FilesErrors, fsError } from './files-errors';
import type { OpenedDirectory } from './jail';
import { removeTemps, type ReceivedFile } from './receive-uploads';

/** How a received file takes its name. */
export type CommitMode =
  /** Atomically replace what has the name (rename). */
  | 'overwrite'
  /** Never replace: a name that exists by now is 409 `TF_ERR_FILE_EXISTS` and the whole upload is undone. */
  | 'refuse'
  /** Never replace: take `name (1).ext`, `name (2).ext`, … (uploads into a session, where nobody picks names). */
  | 'rename';

/** A file in place: its final name and absolute path. */
export interface CommittedFile {
  name: string;
  path: string;
  size: number;
}

/**
 * Gives each temp file its name, in order. Without overwrite the name is taken with `link(2)`, which
 * fails if the name exists, atomically (a check-then-rename could replace a file created in
 * between); two uploads of one name therefore never interleave or silently replace each other. With
 * `refuse`, a conflict undoes the names this call created and removes the remaining temp files.
 */
export async function commitUploads(dir: OpenedDirectory, files: readonly ReceivedFile[], mode: CommitMode): Promise<CommittedFile[]> {
  const committed: CommittedFile[] = [];
  try {
    for (const file of files) {
      const name = mode === 'overwrite' ? await replace(dir, file) : await claim(dir, file, mode === 'rename');
      file.created = false; // the temp file is now the named file
      committed.push({ name, path: path.join(dir.path, name), size: file.size });
    }
    return committed;
  } catch (error) {
    if (mode !== 'overwrite') await Promise.all(committed.map((done) => unlink(dir.at(done.name)).catch(() => undefined)));
    await removeTemps(dir, files);
    throw fsError(error, 'the upload');
  }
}

async function replace(dir: OpenedDirectory, file: ReceivedFile): Promise<string> {
  await rename(dir.at(file.temp), dir.at(file.name));
  return file.name;
}

/** Links the temp file to `name` (or the first free `name (n)`), then drops the temp name. */
async function claim(dir: OpenedDirectory, file: ReceivedFile, findFree: boolean): Promise<string> {
  for (let n = 0; n < 1000; n++) {
    const name = n === 0 ? file.name : numbered(file.name, n);
    try {
      await link(dir.at(file.temp), dir.at(name));
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'EEXIST') {
        if (!findFree) throw FilesErrors.exists(JSON.stringify(name));
        continue;
      }
      // File systems without hard links (FAT, some FUSE): check, then rename (a race remains there).
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
        const taken = await lstat(dir.at(name)).then(() => true, () => false);
        if (taken) {
          if (!findFree) throw FilesErrors.exists(JSON.stringify(name));
          continue;
        }
        await rename(dir.at(file.temp), dir.at(name));
        return name;
      }
      throw error;
    }
    await unlink(dir.at(file.temp));
    return name;
  }
  throw FilesErrors.exists(`${JSON.stringify(file.name)} and 999 numbered variants`);
}

/** `photo.png` → `photo (2).png`; `.bashrc` → `.bashrc (2)`. */
function numbered(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
