import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import * as path from 'node:path';

/** Whether `file` is a regular file this process may execute. */
export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `file` as execvp would find it (a name with a slash is taken relative to
 * `cwd`, a bare name is searched on `PATH`), or null. Lets a typo answer 400 instead of creating a
 * session that only prints "execvp failed" and exits.
 */
export async function resolveExecutable(file: string, cwd: string, pathVariable: string | undefined): Promise<string | null> {
  if (file.includes('/')) {
    const full = path.resolve(cwd, file);
    return (await isExecutableFile(full)) ? full : null;
  }
  for (const dir of (pathVariable ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (dir === '') continue;
    const full = path.join(path.resolve(cwd, dir), file);
    if (await isExecutableFile(full)) return full;
  }
  return null;
}
