import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * `dist/web` of the TunnelForge package this code belongs to: the nearest parent directory with
 * a package.json named `tunnelforge` (the same from `src/` under jest and from `dist/src/`).
 */
export function defaultWebDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tunnelforge') return path.join(dir, 'dist', 'web');
      } catch {
        // unreadable manifest: keep looking
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..', '..', 'web');
  }
}
