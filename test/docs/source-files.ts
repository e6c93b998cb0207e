import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Repository root (tests run from it under jest, but do not rely on the cwd). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Every TypeScript source file of the agent and the first-party plugins (no tests, no builds). */
export function agentSourceFiles(): string[] {
  const roots = [path.join(repoRoot, 'src'), ...readdirSync(path.join(repoRoot, 'plugins')).map((p) => path.join(repoRoot, 'plugins', p, 'src'))];
  const files: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) files.push(full);
    }
  };
  roots.forEach(walk);
  return files;
}

export function readDoc(name: string): string {
  return readFileSync(path.join(repoRoot, 'docs', name), 'utf8');
}
