import path from 'node:path';

/** Expand a leading `~` to `home` and make `dir` absolute, relative to `baseDir`. */
export function resolveDataDir(dir: string, baseDir: string, home: string): string {
  if (dir === '~') return path.resolve(home);
  if (dir.startsWith('~/') || dir.startsWith('~\\')) return path.resolve(home, dir.slice(2));
  return path.resolve(baseDir, dir);
}
