import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { RollingLogFile } from '../../src/kernel/logger/rolling-log-file';
import { agentLogFiles } from '../../src/plugins/shared/log-files';
import { captureIo, waitFor } from '../cli/capture-io';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tf-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const readyUrl = (out: string) => (JSON.parse(out.split('\n').find((l) => l.includes('"ready":true'))!) as { url: string }).url;

describe('the rotating log file, tunnelforge logs and GET /api/logs', () => {
  test('tunnelforge start writes JSON lines to <dataDir>/logs/agent.1.log (0600); GET /api/logs tails it for admins only', async () => {
    const dataDir = path.join(dir, 'state');
    const cli = captureIo(dir);
    const run = runCli(['start', '--port', '0', '--data-dir', dataDir, '--log-level', 'info'], cli.io);
    try {
      await waitFor(() => cli.stdout().includes('"ready":true'), 20_000);
      const url = readyUrl(cli.stdout());
      const file = path.join(dataDir, 'logs', 'agent.1.log');
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('"ready":true'), 5000);
      if (process.platform !== 'win32') expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600);
      const token = readFileSync(path.join(dataDir, 'local-token'), 'utf8').trim();
      const tail = await fetch(`${url}/api/logs?lines=500`, { headers: { authorization: `Bearer ${token}` } });
      expect(tail.status).toBe(200);
      const body = (await tail.json()) as { file: string; lines: Array<{ msg?: string; level?: string }> };
      expect(body.file).toBe('agent.1.log');
      expect(body.lines.some((l) => /tunnelforge .* ready at/.test(l.msg ?? ''))).toBe(true);
      expect((await fetch(`${url}/api/logs`)).status).toBe(401);
      // A viewer may not read logs.
      const viewer = await fetch(`${url}/api/tokens`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'v', role: 'viewer' }) });
      const viewerToken = ((await viewer.json()) as { token: string }).token;
      expect((await fetch(`${url}/api/logs`, { headers: { authorization: `Bearer ${viewerToken}` } })).status).toBe(403);
    } finally {
      cli.signal('SIGINT');
      expect(await run).toBe(0);
    }
    // After the agent stopped, the CLI reads the same file: readable lines, or JSON as written.
    const pretty = captureIo(dir);
    expect(await runCli(['logs', '--data-dir', dataDir, '-n', '200'], pretty.io)).toBe(0);
    expect(pretty.stdout()).toMatch(/INFO .*tunnelforge .* ready at http:\/\/127\.0\.0\.1:\d+/);
    const json = captureIo(dir);
    expect(await runCli(['logs', '--data-dir', dataDir, '-n', '1', '--json'], json.io)).toBe(0);
    expect(json.stdout().trim().split('\n')).toHaveLength(1);
    expect(() => JSON.parse(json.stdout())).not.toThrow();
  }, 40_000);

  test('logs with no file yet says so; logs -f prints lines as they are written and follows a rotation until Ctrl-C', async () => {
    const logs = path.join(dir, 'logs');
    const empty = captureIo(dir);
    expect(await runCli(['logs', '--data-dir', dir], empty.io)).toBe(0);
    expect(empty.stderr()).toMatch(/no log lines in .*logs yet \(the agent writes them while it runs: tunnelforge start\)/);

    mkdirSync(logs);
    const line = (msg: string) => JSON.stringify({ level: 'info', time: new Date().toISOString(), msg }) + '\n';
    writeFileSync(path.join(logs, 'agent.1.log'), line('first'));
    const cli = captureIo(dir);
    const run = runCli(['logs', '--data-dir', dir, '-f'], cli.io);
    try {
      await waitFor(() => cli.stdout().includes('first'));
      // Appended right after the first lines were shown: followed from where they ended.
      writeFileSync(path.join(logs, 'agent.1.log'), line('first') + line('second'));
      await waitFor(() => cli.stdout().includes('second'), 3000);
      writeFileSync(path.join(logs, 'agent.2.log'), line('after rotation'));
      await waitFor(() => cli.stdout().includes('after rotation'), 3000);
    } finally {
      cli.signal('SIGINT'); // a failed wait must not leave the follower running (jest would not exit)
    }
    expect(await run).toBe(0);
    expect(cli.stdout().indexOf('first')).toBeLessThan(cli.stdout().indexOf('second'));
  });

  test('logs -f continues after the last complete line: a line half written when it started is shown whole', async () => {
    const data = path.join(dir, 'partial');
    const logs = path.join(data, 'logs');
    mkdirSync(logs, { recursive: true });
    const line = (msg: string) => JSON.stringify({ level: 'info', time: new Date().toISOString(), msg }) + '\n';
    const half = line('a line written in two parts');
    writeFileSync(path.join(logs, 'agent.1.log'), line('complete') + half.slice(0, 20));
    const cli = captureIo(dir);
    const run = runCli(['logs', '--data-dir', data, '-f', '--json'], cli.io);
    try {
      await waitFor(() => cli.stdout().includes('complete'));
      writeFileSync(path.join(logs, 'agent.1.log'), line('complete') + half);
      await waitFor(() => cli.stdout().includes('a line written in two parts'), 3000);
    } finally {
      cli.signal('SIGINT');
    }
    expect(await run).toBe(0);
    // Whole lines, each once: not the half line's tail on its own.
    const shown = cli.stdout().trim().split('\n').map((text) => (JSON.parse(text) as { msg: string }).msg);
    expect(shown).toEqual(['complete', 'a line written in two parts']);
  });

  test('rotation by size keeps `keep` old files and never blocks; a full disk is reported once and never throws', async () => {
    const errors: string[] = [];
    const file = await RollingLogFile.open(path.join(dir, 'logs'), { maxSizeMb: 1, keep: 2 }, (m) => errors.push(m));
    const big = JSON.stringify({ level: 'info', msg: 'x'.repeat(1000) }) + '\n';
    // ~4.4 MB in four bursts (pino-roll rolls once a burst has drained past the size).
    for (let burst = 0; burst < 4; burst++) {
      const started = performance.now();
      for (let i = 0; i < 1100; i++) file.write(big);
      expect(performance.now() - started).toBeLessThan(500); // queued, never written synchronously
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await file.close();
    const files = (await agentLogFiles(path.join(dir, 'logs'))).map((f) => path.basename(f));
    expect(files.length).toBeLessThanOrEqual(3); // the current one and `keep` = 2 old ones
    expect(files[files.length - 1]).toMatch(/^agent\.[3-9]\.log$/);
    expect(errors).toEqual([]);

    if (process.platform !== 'linux') return;
    // /dev/full answers every write with ENOSPC: a full disk.
    const full = path.join(dir, 'full');
    mkdirSync(full);
    symlinkSync('/dev/full', path.join(full, 'agent.1.log'));
    const failing = await RollingLogFile.open(full, { maxSizeMb: 10, keep: 1 }, (m) => errors.push(m));
    for (let i = 0; i < 100; i++) failing.write(big);
    await waitFor(() => errors.length > 0, 3000);
    for (let i = 0; i < 100; i++) failing.write(big);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot write the log file in .*: ENOSPC/);
    await failing.close();
  }, 20_000);
});
