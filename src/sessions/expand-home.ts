import * as path from 'node:path';

/**
 * `~` and `~/x` as a shell expands them, with `home` the agent user's home directory; other paths
 * (`~user` included, which would need the user database) are returned as they are.
 */
export function expandHome(dir: string, home: string): string {
  if (dir === '~') return home;
  if (dir.startsWith('~/')) return path.join(home, dir.slice(2));
  return dir;
}
