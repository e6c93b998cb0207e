import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { VERSION } from '../agent/version';

/** What {@link scaffoldPlugin} needs. */
export interface ScaffoldOptions {
  /** Plugin id, kebab-case (`backup`); a leading `tunnelforge-plugin-` is dropped. */
  name: string;
  /** Directory to create (must be missing or empty). */
  dir: string;
  /** npm spec of the `tunnelforge` dev dependency: a range (default `^<this version>`), a path or a tarball. */
  tunnelforge?: string;
}

/** What was written. */
export interface ScaffoldResult {
  id: string;
  packageName: string;
  dir: string;
  /** Paths relative to `dir`, sorted. */
  files: string[];
}

const ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PREFIX = 'tunnelforge-plugin-';

/** Why `name` cannot be a plugin id, or null when it can. */
export function invalidPluginName(name: string): string | null {
  const id = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
  if (id.length === 0 || id.length > 50 || !ID_PATTERN.test(id)) {
    return `invalid plugin name "${name}": use kebab-case letters and digits starting with a letter, at most 50 characters (e.g. "backup" or "disk-alerts")`;
  }
  return null;
}

/**
 * Write a plugin package from `templates/plugin` (shipped with the agent): a route, a typed event,
 * `detect`, node:test tests using `startTestAgent`, tsconfigs and a README. Refuses an invalid name
 * and a directory that exists with anything in it.
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const problem = invalidPluginName(options.name);
  if (problem !== null) throw new Error(problem);
  const id = options.name.startsWith(PREFIX) ? options.name.slice(PREFIX.length) : options.name;
  const packageName = PREFIX + id;
  const dir = path.resolve(options.dir);
  const existing = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new Error(`cannot use ${dir}: ${error.code === 'ENOTDIR' ? 'it is a file' : error.message}`);
  });
  if (existing.length > 0) throw new Error(`${dir} already exists and is not empty; choose another --dir or remove it`);

  const root = packageRoot();
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const values: Record<string, string> = { __ID__: id, __PACKAGE__: packageName };
  const templates = path.join(root, 'templates', 'plugin');
  const files: string[] = [];
  for (const template of await listFiles(templates)) {
    // npm never packs files named .gitignore, so the template is stored without the dot.
    const target = template.replace(/\.tmpl$/, '').replace(/^gitignore$/, '.gitignore');
    const text = (await readFile(path.join(templates, template), 'utf8')).replace(/__ID__|__PACKAGE__/g, (key) => values[key]);
    await writeTarget(dir, target, text);
    files.push(target);
  }
  const devDependencies = manifest.devDependencies ?? {};
  const pkg = {
    name: packageName,
    version: '0.1.0',
    description: `TunnelForge plugin ${id}`,
    keywords: ['tunnelforge-plugin'],
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist'],
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'tsc -p tsconfig.test.json && node --test .test-build/test/',
      prepack: 'npm run build',
    },
    // The agent that loads the plugin provides the API; the dev dependency is the agent to test against.
    peerDependencies: { tunnelforge: `^${VERSION}` },
    devDependencies: {
      '@types/node': devDependencies['@types/node'] ?? '^20.19.0',
      tunnelforge: options.tunnelforge ?? `^${VERSION}`,
      typescript: devDependencies.typescript ?? '^6.0.0',
    },
    // npm 11 reviews install scripts: node-pty (under tunnelforge) must compile its addon; the
    // optional ws accelerators need no build (they ship prebuilds, and ws works without them).
    allowScripts: { 'node-pty': true, bufferutil: false, 'utf-8-validate': false },
  };
  await writeTarget(dir, 'package.json', JSON.stringify(pkg, null, 2) + '\n');
  files.push('package.json');
  return { id, packageName, dir, files: files.sort() };
}

async function writeTarget(dir: string, relative: string, text: string): Promise<void> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { flag: 'wx' });
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, relative)));
    else out.push(relative);
  }
  return out;
}

/** The installed tunnelforge package (from src/ under jest and from dist/src/ alike). */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'tunnelforge') return dir;
    } catch {
      // keep walking up
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the tunnelforge package above ${__dirname}`);
  }
}
