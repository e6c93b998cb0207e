import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { isExecutableFile } from './resolve-executable';

/** Shells whose `-c` script reads its arguments as `$1` and whose `command -v` prints a path. */
const POSIX_SHELLS = new Set(['bash', 'zsh', 'sh', 'dash', 'ksh', 'mksh']);

/** Answers kept at most (the oldest goes first). */
const MAX_CACHED = 256;

/** The script the login shell runs: the name is its first positional parameter, never part of the script text. */
const LOOKUP_SCRIPT = 'command -v "$1"';

export interface LoginShellResolverOptions {
  /** The user's login shell (`sessions.shell` of the config, else `$SHELL`); lookups are skipped when it is not a POSIX shell. */
  shell(): string | undefined;
  /** Environment the shell starts with (the agent's: `HOME` says whose rc files it reads). */
  env: NodeJS.ProcessEnv;
  /** A shell that has not answered by then is killed and the name counts as not found. */
  timeoutMs?: number;
  /** How long an answer (found or not) is reused: rc files run for every lookup, and some take a second. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Finds a command the way the user's own terminal would: tools that only rc files put on PATH
 * (nvm, pyenv, `~/.local/bin` added in `~/.bashrc`) are not on the agent's PATH when it runs as a
 * service. Asks the user's shell, as a login and interactive shell (`$SHELL -lic 'command -v "$1"'`,
 * then for bash `-ic` too, since a login bash reads `~/.bashrc` only when `~/.profile` sources
 * it), through execFile with argv: the name is passed as a positional parameter and never
 * becomes shell text. Only an absolute path to an executable file counts (aliases and functions
 * do not; rc files that print greetings do not confuse it).
 */
export class LoginShellResolver {
  private readonly cache = new Map<string, { file: string | null; until: number }>();
  private readonly pending = new Map<string, Promise<string | null>>();
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LoginShellResolverOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.ttlMs = options.ttlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The absolute path the login shell finds for the bare command `name`, or null. */
  async resolve(name: string): Promise<string | null> {
    if (name === '' || name.includes('/') || name.startsWith('-') || name.includes('\0')) return null;
    const cached = this.cache.get(name);
    if (cached && cached.until > this.now()) return cached.file;
    const running = this.pending.get(name);
    if (running) return running;
    const lookup = this.lookUp(name).finally(() => this.pending.delete(name));
    this.pending.set(name, lookup);
    const file = await lookup;
    // Bounded: every distinct name a writer tries would otherwise stay forever.
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(name, { file, until: this.now() + this.ttlMs });
    return file;
  }

  private async lookUp(name: string): Promise<string | null> {
    const shell = this.options.shell();
    if (!shell || !path.isAbsolute(shell) || !POSIX_SHELLS.has(path.basename(shell))) return null;
    const flags = path.basename(shell) === 'bash' ? ['-lic', '-ic'] : ['-lic'];
    for (const flag of flags) {
      const file = await this.ask(shell, flag, name);
      if (file !== null) return file;
    }
    return null;
  }

  private ask(shell: string, flag: string, name: string): Promise<string | null> {
    return new Promise((resolve) => {
      const child = execFile(shell, [flag, LOOKUP_SCRIPT, 'tunnelforge-resolve', name], {
        env: this.options.env, timeout: this.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024, encoding: 'utf8',
      }, (_error, stdout) => {
        // A non-zero exit is "not found"; rc files may print anything before the answer.
        const candidates = String(stdout ?? '').split('\n').map((line) => line.trim()).filter((line) => path.isAbsolute(line));
        const last = candidates.at(-1);
        if (last === undefined) return resolve(null);
        isExecutableFile(last).then((ok) => resolve(ok ? last : null), () => resolve(null));
      });
      // An interactive shell must not wait for a terminal's input.
      child.stdin?.end();
    });
  }
}
