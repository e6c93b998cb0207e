// What a user and a plugin author do with the published package, on the real tarball: install it in
// an empty directory and start the agent; scaffold a plugin, install it against that tarball and run
// its generated tests. npm installs use the local cache (--prefer-offline); node-pty compiles.
// The agent depends on @tunnelforge/client, a workspace package that is not on the registry here:
// both are packed and installed together, as they would be published together.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
/** Every step's bound; the whole test usually takes 30-60 s on 2 cores. */
const STEP_MS = 120_000;

/** The child's environment without the npm_* settings of the `npm test` running us (they would steer the inner npm). */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && !key.startsWith('TUNNELFORGE_')) env[key] = value;
  }
  return env;
}

interface Ran { code: number | null; out: string }

/** Run a command to its end (bounded); resolves with exit code and combined output. */
function run(command: string, args: string[], cwd: string, timeoutMs = STEP_MS): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  const { code, out } = await run(command, args, cwd);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${out}`);
  return out;
}

/** What a consumer adds so npm 11's install-script review passes (strict mode makes a gap an error here). */
function allowNodePty(dir: string, manifest: Record<string, unknown>): void {
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...manifest, allowScripts: { 'node-pty': true, bufferutil: false, 'utf-8-validate': false } }, null, 2));
  writeFileSync(path.join(dir, '.npmrc'), 'strict-allow-scripts=true\n');
}

let tmp: string;
let tarball: string;
let clientTarball: string;
const timings: Record<string, number> = {};
async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[label] = Date.now() - started;
  }
}

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/src/testkit/index.js')) || !existsSync(path.join(ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/ is missing: run `npm run build` first (`npm test` does)');
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tf-pack-'));
  // `npm test` has just built dist/, so prepack (the same build) is skipped here to save a minute.
  const pack = async (dir: string) => {
    const out = await mustRun('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], dir);
    const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
    return path.join(tmp, filename);
  };
  tarball = await timed('pack', () => pack(ROOT));
  clientTarball = await timed('pack client', () => pack(path.join(ROOT, 'packages/client')));
}, STEP_MS);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  // Shown by jest only on failure or --verbose; kept for the timing budget.
  console.log(`pack/install timings (ms): ${JSON.stringify(timings)}`);
});

it('ships what an installed agent and a plugin author need, and no sources or tests', async () => {
  const out = await mustRun('tar', ['-tzf', tarball], tmp);
  const files = out.split('\n').filter(Boolean);
  for (const needed of ['package/bin/tunnelforge.js', 'package/dist/src/cli/main.js', 'package/dist/src/testkit/index.d.ts', 'package/dist/src/plugin-api/index.d.ts', 'package/dist/web/index.html', 'package/templates/plugin/src/index.ts.tmpl', 'package/README.md', 'package/docs/plugins.md']) {
    expect(files).toContain(needed);
  }
  expect(files.filter((f) => /^package\/(src|test|plugins|bench)\//.test(f) || f.endsWith('.tsbuildinfo'))).toEqual([]);
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { private?: boolean; dependencies: Record<string, string> };
  expect(manifest.private).toBeUndefined();
  expect(manifest.dependencies.ws).toBeDefined();
  expect(manifest.dependencies['@tunnelforge/client']).toBe((JSON.parse(readFileSync(path.join(ROOT, 'packages/client/package.json'), 'utf8')) as { version: string }).version);
});

it('installs into an empty directory, where `npx tunnelforge start --port 0 --ready-file F` is ready when F appears', async () => {
  const app = path.join(tmp, 'app');
  await mustRun('mkdir', ['-p', app], tmp);
  await mustRun('npm', ['init', '-y'], app);
  allowNodePty(app, JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as Record<string, unknown>);
  await timed('install agent', () => mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', clientTarball, tarball], app));

  const readyFile = path.join(app, 'ready.json');
  const agent = spawn('npx', ['tunnelforge', 'start', '--port', '0', '--data-dir', path.join(app, 'data'), '--ready-file', readyFile], { cwd: app, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  agent.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  agent.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => agent.on('close', resolve));
  try {
    const started = Date.now();
    // The ready file is how a program that starts the agent on port 0 learns its URL: no log parsing.
    while (!existsSync(readyFile)) {
      if (Date.now() - started > 60_000 || agent.exitCode !== null) throw new Error(`the installed agent never wrote its ready file:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string; pid: number; instanceId: string };
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    // Ready means ready: the first health check answers 200 with the same run's id, and every
    // built-in plugin that the default config runs is active already.
    const health = await fetch(`${ready.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', instanceId: ready.instanceId });
    const readyLine = log.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { ready?: boolean; active?: string[] }).find((line) => line.ready === true);
    expect(readyLine?.active).toEqual(expect.arrayContaining(['core-http', 'core-sessions', 'auth-password', 'auth-api', 'web-ui']));
  } finally {
    // npx runs the agent as its child: signal the whole process group.
    process.kill(-agent.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-agent.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  expect(existsSync(readyFile)).toBe(false); // removed at shutdown: a stale file never names a dead agent
}, 3 * STEP_MS);

it('scaffolds a plugin with `tunnelforge plugin new demo` whose generated tests pass against the tarball', async () => {
  const app = path.join(tmp, 'app');
  const demo = path.join(tmp, 'demo');
  const created = await mustRun('npx', ['tunnelforge', 'plugin', 'new', 'demo', '--dir', demo, '--tunnelforge', `file:${tarball}`], app);
  expect(created).toContain('created tunnelforge-plugin-demo');
  const manifest = JSON.parse(readFileSync(path.join(demo, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  manifest.devDependencies['@tunnelforge/client'] = `file:${clientTarball}`; // what the registry would provide
  allowNodePty(demo, manifest as unknown as Record<string, unknown>);
  await timed('install plugin', () => mustRun('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], demo));
  const tested = await timed('plugin npm test', () => mustRun('npm', ['test'], demo));
  expect(tested).toMatch(/^# pass 4$/m);
  expect(tested).toMatch(/^# fail 0$/m);

  // The same test kit under a plain jest (no config, no transform for node_modules) from the installed dist.
  writeFileSync(
    path.join(demo, 'plain-jest.test.js'),
    `const { startTestAgent } = require('tunnelforge/testkit');
const plugin = require('./.test-build/src/index.js').default;
test('plain jest', async () => {
  const agent = await startTestAgent({ plugins: [plugin] });
  try {
    expect((await agent.as('writer').get('/api/demo/greeting')).json).toEqual({ message: 'hello, world' });
    expect((await agent.as('viewer').get('/api/demo/greeting')).status).toBe(403);
  } finally {
    await agent.stop();
  }
});
`,
  );
  const jest = await timed('plain jest', () => run(process.execPath, [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--rootDir', demo, '--testMatch', '**/plain-jest.test.js', '--ci'], demo));
  expect({ code: jest.code, out: jest.out }).toMatchObject({ code: 0 });
  expect(jest.out).toContain('1 passed');
}, 4 * STEP_MS);
