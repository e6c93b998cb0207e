import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestAgent, type TestAgent } from '../../src/testkit';
import { readProcessStartTime } from '../../src/plugins/shared/process-start-time';
import { withFileLock } from '../../src/plugins/shared/with-file-lock';

/** The pid of a process that ran and is gone (reaped), so nothing owns it now. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** A live process the test owns (stands in for a tunnelforge command holding the lock). */
async function liveProcess(): Promise<ChildProcess> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  return child;
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

describe('API token store after a crash: locks know their owner', () => {
  let agent: TestAgent;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    agent = await startTestAgent({ plugins: [] });
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killed));
    await agent.stop();
  });

  const lockFile = () => path.join(agent.dataDir, 'api-tokens.json.lock');

  async function createToken(name: string): Promise<{ id: string; token: string }> {
    const created = await agent.as('admin').post('/api/tokens', { name, role: 'viewer' });
    expect(created.status).toBe(201);
    return created.json;
  }

  test('a lock left by a dead pid (as the old agent wrote it: the bare pid) is taken over at once: revoke succeeds in < 1 s', async () => {
    const { id, token } = await createToken('leaked');
    writeFileSync(lockFile(), String(await deadPid()));
    const started = Date.now();
    const revoked = await agent.as('admin').delete(`/api/tokens/${id}`);
    expect(revoked.status).toBe(204);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await agent.withToken(token).get('/api/sessions')).status).toBe(401);
    expect(existsSync(lockFile())).toBe(false);
    // Create works the same way.
    writeFileSync(lockFile(), JSON.stringify({ pid: await deadPid(), startTime: '12345', host: os.hostname(), nonce: 'x' }));
    const t0 = Date.now();
    expect((await agent.as('admin').post('/api/tokens', { name: 'after', role: 'viewer' })).status).toBe(201);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  test('a live holder is waited for; once it is killed (-9) its lock is taken over at once', async () => {
    const { id } = await createToken('held');
    const holder = await liveProcess();
    children.push(holder);
    const startTime = await readProcessStartTime(holder.pid!);
    writeFileSync(lockFile(), JSON.stringify({ pid: holder.pid, startTime, host: os.hostname(), nonce: 'holder' }) + '\n');
    const revoke = agent.as('admin').delete(`/api/tokens/${id}`);
    let answered = false;
    void revoke.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answered).toBe(false); // the owner lives: its lock is respected
    const killedAt = Date.now();
    await killed(holder);
    expect((await revoke).status).toBe(204);
    expect(Date.now() - killedAt).toBeLessThan(1000);
  });

  test('a reused pid (alive, but started at another time) does not own the lock', async () => {
    if (process.platform !== 'linux') return; // start times come from /proc
    const { id } = await createToken('reused');
    const other = await liveProcess();
    children.push(other);
    writeFileSync(lockFile(), JSON.stringify({ pid: other.pid, startTime: '1', host: os.hostname(), nonce: 'old' }));
    const started = Date.now();
    expect((await agent.as('admin').delete(`/api/tokens/${id}`)).status).toBe(204);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('temp files of interrupted atomic writes', () => {
  test('are removed at start when their writer is dead; a live writer\'s are kept', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-leftovers-'));
    const live = await liveProcess();
    try {
      const dead = await deadPid();
      const leftovers = [
        `api-tokens.json.${dead}.0a1b2c3d.tmp`,
        `auth-state.json.${dead}.00ff00ff.tmp`,
        `jwt-secret.${dead}.12345678.tmp`,
        `admin-password.json.${dead}.abcdef01.tmp`,
        `local-token.${dead}.tmp`, // the name auth-local used before it wrote atomically
        `api-tokens.json.lock.${dead}.aa55aa55.stale`, // a lock takeover that crashed
      ];
      const keep = [`api-tokens.json.${live.pid}.99999999.tmp`, 'api-tokens.json.notes.tmp', 'unrelated.1.tmp'];
      for (const name of [...leftovers, ...keep]) writeFileSync(path.join(dataDir, name), 'partial', { mode: 0o600 });
      const agent = await startTestAgent({ plugins: [], config: { dataDir } });
      try {
        const present = readdirSync(dataDir);
        for (const name of leftovers) expect(present).not.toContain(name);
        for (const name of keep) expect(present).toContain(name);
        expect(agent.logs.some((entry) => entry.msg === 'removed temp files of interrupted writes')).toBe(true);
      } finally {
        await agent.stop();
      }
    } finally {
      await killed(live);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('withFileLock', () => {
  test('many waiters racing for one dead lock: exactly one holds it at a time', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-lock-race-'));
    try {
      const lock = path.join(dir, 'x.lock');
      writeFileSync(lock, String(await deadPid()));
      let inside = 0;
      let maxInside = 0;
      let runs = 0;
      await Promise.all(Array.from({ length: 100 }, () => withFileLock(lock, async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inside--;
        runs++;
      }, { timeoutMs: 10_000 })));
      expect(runs).toBe(100);
      expect(maxInside).toBe(1);
      expect(readdirSync(dir)).toEqual([]); // no lock, no moved-aside file left
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
