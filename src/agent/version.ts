import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The agent's version, read from its package.json (works from src/ under jest and from dist/). */
export const VERSION: string = findPackageVersion(__dirname);

function findPackageVersion(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tunnelforge' && pkg.version) return pkg.version;
    } catch {
      // keep walking up
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}
