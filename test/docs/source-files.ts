import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Repository root (tests run from it under jest, but do not rely on the cwd). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Every TypeScript source file of the agent, the first-party plugins and packages (no tests, no builds). */
export function agentSourceFiles(): string[] {
  const workspace = (dir: string) => readdirSync(path.join(repoRoot, dir)).map((p) => path.join(repoRoot, dir, p, 'src'));
  const roots = [path.join(repoRoot, 'src'), ...workspace('plugins'), ...workspace('packages')];
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
