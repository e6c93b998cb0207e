import * as os from 'node:os';
import type { AgentEvent, SessionInfo } from '../../src/plugin-api';
import { FakeClock } from '../../src/testkit/fake-clock';
import { LocalEventBus } from '../../src/kernel/core/local-event-bus';
import { SystemClock } from '../../src/kernel/core/system-clock';
import { MemoryLogger } from '../../src/kernel/logger/memory-logger';
import { PtySessionManager } from '../../src/sessions/pty-session-manager';
import { SessionsConfig } from '../../src/sessions/sessions-config';
import { SpawnQueue } from '../../src/sessions/spawn-queue';
import { BASH, createSessionsHarness } from '../helpers/sessions-harness';
import { waitFor } from '../helpers/wait-for';

const ringText = (manager: PtySessionManager, id: string): string => manager.session(id)!.ring.read(manager.session(id)!.ring.start)!.toString();

async function expectCode(promise: Promise<unknown> | (() => unknown), status: number, code: string): Promise<void> {
  const run = typeof promise === 'function' ? Promise.resolve().then(promise) : promise;
  await expect(run).rejects.toMatchObject({ status, code });
}

describe('PtySessionManager', () => {
  const h = createSessionsHarness({ exitedRetentionMs: 0, killGraceMs: 300, maxSessions: 20 });
  const events: AgentEvent[] = [];
  h.events.subscribe('session.*', (event) => events.push(event));
  afterAll(() => h.dispose());

  it('creates a session, lists it, gets it, and publishes session.created with the SessionInfo', async () => {
    const info = await h.manager.create({ command: ['cat'], cwd: '/tmp', cols: 100, rows: 30 });
    expect(info).toMatchObject({ state: 'running', cols: 100, rows: 30, cwd: '/tmp', exitCode: null, signal: null, clients: 0, exitedAt: null });
    expect(info.command[0]).toMatch(/\/cat$/);
    expect(info.name).toBe('cat /tmp');
    expect(info.pid).toBeGreaterThan(0);
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.manager.list().map((s) => s.id)).toContain(info.id);
    expect(h.manager.get(info.id)).toMatchObject({ id: info.id });
    expect(events.find((e) => e.type === 'session.created' && (e.data as SessionInfo).id === info.id)).toBeDefined();
  });

  it('spawns the login shell by default, with TERM, TUNNELFORGE_SESSION_ID and the given env', async () => {
    const log = new MemoryLogger({ level: 'silent' });
    const manager = new PtySessionManager(SessionsConfig.parse({}), new LocalEventBus(log).forSource('t'), log, new SystemClock(),
      { PATH: process.env.PATH, SHELL: '/bin/sh', HOME: os.homedir() });
    try {
      const shell = await manager.create({ cwd: '/' });
      expect(shell.command).toEqual(['/bin/sh', '-l']);
      const probe = await manager.create({ command: [...BASH, '-c', 'echo "[$TERM|$TUNNELFORGE_SESSION_ID|$FOO]"'], cwd: '/', env: { FOO: 'bar baz' } });
      await manager.session(probe.id)!.exited;
      expect(ringText(manager, probe.id)).toContain(`[xterm-256color|${probe.id}|bar baz]`);
    } finally {
      await manager.dispose();
    }
  });

  it('validates cwd, command, size and env', async () => {
    await expectCode(h.manager.create({ command: ['cat'], cwd: '/definitely/not/here' }), 400, 'TF_ERR_BAD_CWD');
    await expectCode(h.manager.create({ command: ['cat'], cwd: '/etc/hostname' }), 400, 'TF_ERR_BAD_CWD');
    await expectCode(h.manager.create({ command: ['cat'], cwd: 'relative/dir' }), 400, 'TF_ERR_BAD_CWD');
    await expectCode(h.manager.create({ command: ['no-such-program-tf'], cwd: '/' }), 400, 'TF_ERR_COMMAND_NOT_FOUND');
    await expectCode(h.manager.create({ command: [], cwd: '/' }), 400, 'TF_ERR_BAD_REQUEST');
    await expectCode(h.manager.create({ command: ['cat'], cwd: '/', cols: 0 }), 400, 'TF_ERR_BAD_SIZE');
    await expectCode(h.manager.create({ command: ['cat'], cwd: '/', rows: 1001 }), 400, 'TF_ERR_BAD_SIZE');
    await expectCode(h.manager.create({ command: ['cat'], cwd: '/', env: { 'A=B': 'x' } }), 400, 'TF_ERR_BAD_REQUEST');
  });

  it('makes names unique on create and rename, and publishes session.renamed', async () => {
    const a = await h.manager.create({ command: ['cat'], cwd: '/', name: 'work' });
    const b = await h.manager.create({ command: ['cat'], cwd: '/', name: 'work' });
    const c = await h.manager.create({ command: ['cat'], cwd: '/', name: 'other' });
    expect([a.name, b.name]).toEqual(['work', 'work (2)']);
    expect(h.manager.rename(c.id, 'work').name).toBe('work (3)');
    expect(h.manager.rename(a.id, 'work').name).toBe('work'); // its own name is not a clash
    expect(h.manager.rename(b.id, '  spaced  ').name).toBe('spaced');
    expect(() => h.manager.rename(b.id, '   ')).toThrow(expect.objectContaining({ code: 'TF_ERR_BAD_REQUEST' }));
    expect(events.filter((e) => e.type === 'session.renamed').map((e) => (e.data as SessionInfo).name)).toEqual(['work (3)', 'spaced']);
  });

  it('resizes within 1..1000 and publishes session.resized', async () => {
    const info = await h.manager.create({ command: [...BASH, '-c', 'read -r _; stty size; read -r _'], cwd: '/' });
    expect(h.manager.resize(info.id, 132, 43)).toMatchObject({ cols: 132, rows: 43 });
    for (const [cols, rows] of [[0, 10], [10, 0], [1001, 10], [10, 1001], [1.5, 10], [Number.NaN, 10]]) {
      expect(() => h.manager.resize(info.id, cols, rows)).toThrow(expect.objectContaining({ status: 400, code: 'TF_ERR_BAD_SIZE' }));
    }
    h.manager.write(info.id, '\r');
    await waitFor(() => ringText(h.manager, info.id).includes('43 132'), 'stty size');
    expect(events.filter((e) => e.type === 'session.resized' && (e.data as SessionInfo).id === info.id)).toHaveLength(1);
  });

  it('writes text and named keys; refuses unknown keys and unknown ids', async () => {
    const info = await h.manager.create({ command: ['cat'], cwd: '/' });
    h.manager.write(info.id, 'typed');
    h.manager.sendKey(info.id, 'enter');
    h.manager.write(info.id, new Uint8Array([0x61, 0x62]));
    h.manager.sendKey(info.id, 'enter');
    await waitFor(() => /typed\r\n[\s\S]*ab\r\n/.test(ringText(h.manager, info.id)), 'echo');
    expect(() => h.manager.sendKey(info.id, 'hyper_q' as never)).toThrow(expect.objectContaining({ status: 400, code: 'TF_ERR_BAD_KEY' }));
    expect(() => h.manager.write('nope', 'x')).toThrow(expect.objectContaining({ status: 404, code: 'TF_ERR_SESSION_NOT_FOUND' }));
    expect(h.manager.get('../../etc/passwd')).toBeUndefined();
    expect(h.manager.get(info.id.toUpperCase())).toBeUndefined();
  });

  it('gives the screen as text', async () => {
    const info = await h.manager.create({ command: [...BASH, '-c', 'printf "first line   \\n\\033[31msecond\\033[0m line\\n"; read -r _'], cwd: '/', rows: 5 });
    await waitFor(() => ringText(h.manager, info.id).includes('\u001b[0m line\r\n'), 'output');
    expect(await h.manager.screenText(info.id)).toBe('first line\nsecond line\n\n\n');
  });

  it('kill: SIGTERM ends an ordinary program', async () => {
    const info = await h.manager.create({ command: ['sleep', '30'], cwd: '/' });
    const killed = await h.manager.kill(info.id);
    expect(killed).toMatchObject({ state: 'exited', exitCode: null, signal: 'SIGTERM', pid: null });
    expect(killed.exitedAt).not.toBeNull();
    expect(events.some((e) => e.type === 'session.exited' && (e.data as SessionInfo).id === info.id)).toBe(true);
  });

  it('kill: an interactive shell (which ignores SIGTERM) hangs up on SIGHUP without waiting for SIGKILL', async () => {
    const info = await h.manager.create({ command: [...BASH, '-i'], cwd: '/' });
    await waitFor(() => h.manager.get(info.id)!.outputBytes > 0, 'prompt');
    expect((await h.manager.kill(info.id)).signal).toBe('SIGHUP');
  });

  it('kill: escalates to SIGKILL after the grace period for a process ignoring SIGTERM and SIGHUP', async () => {
    const info = await h.manager.create({ command: [...BASH, '-c', 'trap "" TERM HUP; echo ready; while :; do sleep 0.05; done'], cwd: '/' });
    await waitFor(() => ringText(h.manager, info.id).includes('ready'), 'ready');
    const killed = await h.manager.kill(info.id);
    expect(killed).toMatchObject({ state: 'exited', signal: 'SIGKILL', exitCode: null });
  });

  it('keeps exited sessions for inspection; write/resize then answer 409; remove forgets them', async () => {
    const info = await h.manager.create({ command: [...BASH, '-c', 'echo done; exit 9'], cwd: '/' });
    await h.manager.session(info.id)!.exited;
    expect(h.manager.get(info.id)).toMatchObject({ state: 'exited', exitCode: 9, signal: null });
    expect(() => h.manager.resize(info.id, 50, 20)).toThrow(expect.objectContaining({ status: 409, code: 'TF_ERR_SESSION_EXITED' }));
    expect(() => h.manager.write(info.id, 'x')).toThrow(expect.objectContaining({ status: 409, code: 'TF_ERR_SESSION_EXITED' }));
    expect(await h.manager.screenText(info.id)).toContain('done');
    await h.manager.remove(info.id);
    expect(h.manager.get(info.id)).toBeUndefined();
    expect(events.some((e) => e.type === 'session.removed' && (e.data as SessionInfo).id === info.id)).toBe(true);
  });

  it('remove kills a running session first', async () => {
    const info = await h.manager.create({ command: ['cat'], cwd: '/' });
    const session = h.manager.session(info.id)!;
    await h.manager.remove(info.id);
    expect(session.running).toBe(false);
    expect(h.manager.get(info.id)).toBeUndefined();
  });
});

describe('PtySessionManager limits and lifetimes', () => {
  it('refuses sessions past maxSessions with 409 TF_ERR_SESSION_LIMIT, bursts included', async () => {
    const h = createSessionsHarness({ maxSessions: 3, exitedRetentionMs: 0 });
    try {
      const burst = await Promise.allSettled(Array.from({ length: 5 }, () => h.manager.create({ command: ['cat'], cwd: '/' })));
      expect(burst.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of burst.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: 'TF_ERR_SESSION_LIMIT' });
      }
      await h.manager.remove(h.manager.list()[0].id);
      await expect(h.manager.create({ command: ['cat'], cwd: '/' })).resolves.toMatchObject({ state: 'running' });
    } finally {
      await h.dispose();
    }
  });

  it('removes exited sessions after the retention period', async () => {
    const clock = new FakeClock();
    const h = createSessionsHarness({ exitedRetentionMs: 60_000 }, clock);
    try {
      const info = await h.manager.create({ command: [...BASH, '-c', 'exit 0'], cwd: '/' });
      await h.manager.session(info.id)!.exited;
      await clock.advance(59_000);
      expect(h.manager.get(info.id)).toBeDefined();
      await clock.advance(1_000);
      await waitFor(() => h.manager.get(info.id) === undefined, 'auto-removal');
    } finally {
      await h.dispose();
    }
  });

  it('dispose kills every running session', async () => {
    const h = createSessionsHarness({ exitedRetentionMs: 0 });
    const infos = await Promise.all([1, 2, 3].map(() => h.manager.create({ command: ['cat'], cwd: '/' })));
    const sessions = infos.map((info) => h.manager.session(info.id)!);
    await h.dispose();
    expect(sessions.every((session) => !session.running)).toBe(true);
    expect(h.manager.list()).toEqual([]);
    await expect(h.manager.create({ command: ['cat'], cwd: '/' })).rejects.toMatchObject({ code: 'TF_ERR_SHUTTING_DOWN' });
  });
});

describe('SpawnQueue', () => {
  it('runs at most one task per event-loop turn', async () => {
    // A clock that never moves: the tasks take no time, so no pacing delay (a loaded machine could
    // make a push() take over half a millisecond, and the next turn would be a timer's).
    const queue = new SpawnQueue(() => 0);
    const ran: number[] = [];
    const all = Promise.all([1, 2, 3].map((n) => queue.run(() => ran.push(n))));
    expect(ran).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual([1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual([1, 2]);
    await all;
    expect(ran).toEqual([1, 2, 3]);
    await expect(queue.run(() => { throw new Error('boom'); })).rejects.toThrow('boom');
  });

  it('gives the event loop twice as long as the last spawn blocked it before the next one', async () => {
    const queue = new SpawnQueue();
    const block = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* a fork of a big process */ }
      return performance.now();
    };
    const ends = await Promise.all([queue.run(() => block(20)), queue.run(() => performance.now())]);
    expect(ends[1] - ends[0]).toBeGreaterThanOrEqual(39); // 2 × 20 ms
  });
});
