import { spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

// A fresh machine's first `npm test`: without Chromium, the browser tests must fail with the
// install hint and jest must end (a leaked agent or browser process used to keep it running forever).
test('the browser tests without Chromium fail with the install hint, and jest exits within a minute', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CHROMIUM: '/nonexistent/tf-no-chromium/chromium' };
  delete env.JEST_WORKER_ID;
  const started = Date.now();
  const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--ci', 'test/e2e/'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  expect({ signal, within: Date.now() - started < 60_000 }).toEqual({ signal: null, within: true });
  expect(code).not.toBe(0);
  expect(output).toContain('Chromium not found at /nonexistent/tf-no-chromium/chromium');
  expect(output).toContain('apt-get install -y chromium');
}, 90_000);
