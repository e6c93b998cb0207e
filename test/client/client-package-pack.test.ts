// `npm pack` of packages/client, installed into an empty directory from the registry like any
// package (its dependencies: openapi-fetch, ws), then used by a plain Node script with nothing
// else of TunnelForge installed, against a real agent started here.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestAgent } from '../../src/testkit';
import { PASSWORD, startClientTestAgent } from './client-test-agent';

const ROOT = path.resolve(__dirname, '../..');
const CLIENT = path.join(ROOT, 'packages/client');
const STEP_MS = 120_000;

/** The child's environment without the npm_* settings of the `npm test` running us. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD' && !key.startsWith('TUNNELFORGE_')));
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = childEnv()): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${code}:\n${out}`));
    });
  });
}

const SCRIPT = `
import { createHash } from 'node:crypto';
import { ProtocolCodec as CoreCodec } from '@tunnelforge/client';
import { nodeWebSocket, ProtocolCodec, TunnelForgeClient, TunnelForgeError } from '@tunnelforge/client/node';

const client = await TunnelForgeClient.login({ baseUrl: process.env.AGENT_URL, username: 'ann', password: process.env.AGENT_PASSWORD, webSocket: nodeWebSocket });
const session = await client.sessions.create({ command: ['cat'] });
const terminal = client.terminal(session.id);
let text = '';
terminal.on('output', (data) => (text += new TextDecoder().decode(data)));
await terminal.connect();
terminal.input('from-the-tarball\\r');
while (!text.includes('from-the-tarball\\r\\nfrom-the-tarball\\r\\n')) await new Promise((r) => setTimeout(r, 20));
let error;
try { await client.sessions.get('nope'); } catch (caught) { error = caught; }
terminal.close();
await client.sessions.kill(session.id);
await client.logout();
console.log(JSON.stringify({ sameCodec: CoreCodec === ProtocolCodec, role: terminal.role, text, error: error instanceof TunnelForgeError ? [error.code, error.status] : String(error) }));
`;

let tmp: string;
let agent: TestAgent;
beforeAll(async () => {
  if (!existsSync(path.join(CLIENT, 'dist/index.js'))) throw new Error('packages/client/dist is missing: run `npm run build` first (`npm test` does)');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tf-client-pack-'));
  agent = await startClientTestAgent();
});
afterAll(async () => {
  await agent?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

it('packs, installs into an empty directory with no other TunnelForge package, and talks to a real agent from Node', async () => {
  // `npm test` has just built dist/ (prepack would build it again).
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], CLIENT);
  const [{ filename, files }] = JSON.parse(packed.slice(packed.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const shipped = files.map((file) => file.path);
  expect(shipped).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts']));
  expect(shipped.filter((file) => file.startsWith('src/') || file.endsWith('.map') || file.endsWith('.tsbuildinfo'))).toEqual([]);

  const app = path.join(tmp, 'app');
  await run('mkdir', ['-p', app], tmp);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'client-app', version: '1.0.0', private: true, type: 'module' }));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, filename)], app);
  expect(readdirSync(path.join(app, 'node_modules/@tunnelforge'))).toEqual(['client']);
  expect(existsSync(path.join(app, 'node_modules/tunnelforge'))).toBe(false);

  writeFileSync(path.join(app, 'check.mjs'), SCRIPT);
  const out = await run(process.execPath, ['check.mjs'], app, { ...childEnv(), AGENT_URL: agent.url, AGENT_PASSWORD: PASSWORD });
  expect(JSON.parse(out.trim())).toEqual({ sameCodec: true, role: 'writer', text: expect.stringContaining('from-the-tarball\r\nfrom-the-tarball\r\n'), error: ['TF_ERR_SESSION_NOT_FOUND', 404] });
}, 3 * STEP_MS);
