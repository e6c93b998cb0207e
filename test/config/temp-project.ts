import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root (where `node_modules/tunnelforge` points). */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface TempProject {
  dir: string;
  /** Write a file (creating directories) and return its absolute path. */
  write(name: string, content: string): string;
  /** Remove the whole directory. */
  cleanup(): void;
}

/**
 * A real directory under the OS temp dir with `files`, a package.json (so config search stops
 * here) unless one is given, and `node_modules/tunnelforge` linked to this repository, so a
 * `tunnelforge.config.ts` can `import { defineConfig } from 'tunnelforge'` (needs `npm run build`).
 */
export function tempProject(files: Record<string, string> = {}): TempProject {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tf-config-')));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'tunnelforge'), 'dir');
  if (!('package.json' in files)) write('package.json', JSON.stringify({ name: 'tf-test-app', private: true }));
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { dir, write, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Fails with a clear message when the package has not been built (config files import dist/). */
export function requireBuild(): void {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/src/index.js'))) {
    throw new Error('dist/src/index.js is missing: run `npm run build` before these tests');
  }
}

/** A plugin package `tunnelforge-plugin-demo` (id `demo`) whose options schema is `{ greeting, count }`. */
export const DEMO_PLUGIN = `
const { definePlugin, z } = require('tunnelforge/plugin');
module.exports = definePlugin({
  id: 'demo',
  apiVersion: 1,
  description: 'test plugin with options',
  config: z.object({ greeting: z.string().default('hi'), count: z.number().int().optional() }),
});
`;
