import { Opcode, ProtocolCodec } from '@tunnelforge/client';
import { FakeClock } from '../../src/testkit/fake-clock';
import { BASH, createSessionsHarness, type SessionsHarness } from '../helpers/sessions-harness';
import { TerminalClient } from '../helpers/terminal-client';
import { waitFor } from '../helpers/wait-for';
import type { MemoryWsConnection } from '../helpers/memory-ws-connection';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function attach(harness: SessionsHarness, sessionId: string, offset?: number, connection = harness.connect()): TerminalClient {
  const client = new TerminalClient(connection);
  harness.send(connection, ProtocolCodec.attach(offset === undefined ? { sessionId } : { sessionId, offset }));
  return client;
}

/** Output text a client received since it attached (or its last snapshot). */
const text = (client: TerminalClient): string => client.received.toString('latin1');

describe('SessionStream (real PTYs, in-memory sockets)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function harness(overrides: Parameters<typeof createSessionsHarness>[0] = {}, clock?: FakeClock): SessionsHarness {
    const h = createSessionsHarness({ exitedRetentionMs: 0, ...overrides }, clock);
    cleanups.push(() => h.dispose());
    return h;
  }

  function client(c: TerminalClient): TerminalClient {
    cleanups.push(() => c.dispose());
    return c;
  }

  /** `script` in a bash session of `size`, a client watching it from offset 0, once the script printed phase-1. */
  async function watchedFromStart(h: SessionsHarness, script: string, size: { cols: number; rows: number }) {
    const info = await h.manager.create({ command: [...BASH, '-c', script], cwd: '/', ...size });
    const session = h.manager.session(info.id)!;
    const watcher = client(attach(h, info.id, 0));
    await waitFor(() => text(watcher).includes('phase-1'), 'phase 1');
    return { info, session, watcher };
  }

  /** A client that attaches now (no offset: a SNAPSHOT), once it has its snapshot and the output since. */
  async function lateJoiner(h: SessionsHarness, session: { id: string; ring: { end: number } }, what: string): Promise<TerminalClient> {
    const late = client(attach(h, session.id));
    await waitFor(() => late.snapshots === 1 && late.nextOffset === session.ring.end, what);
    return late;
  }

  it('sends on the leading edge: an echo leaves at once, output during the window waits for the tick', async () => {
    const clock = new FakeClock(); // timers fire only when the test advances it
    const h = harness({ coalesceMs: 3 }, clock);
    const info = await h.manager.create({ command: ['/bin/cat'], cwd: '/' });
    const session = h.manager.session(info.id)!;
    const a = client(attach(h, info.id, 0));
    await waitFor(() => a.nextOffset !== null, 'attached');

    h.send(a.connection, ProtocolCodec.input('a'));
    await waitFor(() => text(a).includes('a'), 'echo of "a" without any timer firing');

    // A coalescing window is now open: the next echo reaches the ring but not the client.
    h.send(a.connection, ProtocolCodec.input('b'));
    await waitFor(() => session.ring.read(0)!.toString().includes('b'), '"b" in the ring');
    await sleep(20);
    expect(text(a)).not.toContain('b');
    await clock.advance(3);
    expect(text(a)).toContain('b');

    // The next tick finds nothing new: idle again, so the next echo is immediate.
    await clock.advance(3);
    h.send(a.connection, ProtocolCodec.input('c'));
    await waitFor(() => text(a).includes('c'), 'echo of "c" on a new leading edge');
    expect(a.problems).toEqual([]);
  });

  it('a late joiner (snapshot) ends with the same screen as a client that watched from the start', async () => {
    const h = harness();
    const script = [
      'stty -echo',
      'for i in $(seq 1 40); do printf "\\033[3%dmrow %02d\\033[0m %s\\r\\n" $((i % 8)) $i "$(printf "%*s" $i "" | tr " " =)"; done',
      'printf "\\033[5;10H\\033[1;44m boxed \\033[0m\\033[20;1H"; echo phase-1',
      'read -r _',
      'printf "\\033[2J\\033[Hafter clear and resize\\r\\n"; for i in $(seq 1 8); do printf "\\033[32mwide %s\\033[0m\\r\\n" "$(printf "%*s" 50 "" | tr " " "#")"; done; echo phase-2',
      'read -r _',
      'printf "\\033[3;3Hoverwrite\\033[K\\033[12;1H"; echo phase-3',
      'read -r _',
    ].join('\n');
    const { info, session, watcher } = await watchedFromStart(h, script, { cols: 80, rows: 24 });

    h.manager.resize(info.id, 60, 15);
    h.manager.write(info.id, '\r');
    await waitFor(() => text(watcher).includes('phase-2'), 'phase 2');

    const late = await lateJoiner(h, session, 'late joiner snapshot');
    // Resized after output: the snapshot comes from the screen model, not the raw history.
    expect(session.screen.live).toBe(true);
    h.manager.write(info.id, '\r');
    await waitFor(() => text(late).includes('phase-3') && watcher.nextOffset === late.nextOffset, 'phase 3 on both');

    expect(watcher.snapshots).toBe(0);
    expect(late.problems).toEqual([]);
    expect(watcher.problems).toEqual([]);
    const [watched, joined] = [await watcher.screen(), await late.screen()];
    expect(joined).toEqual(watched);
    expect(joined.join('\n')).toContain('overwrite');
    expect(late.terminal.cols).toBe(60);
  });

  it('a small history written at one size is the snapshot itself: same screen, no screen model; after a resize the model takes over', async () => {
    const h = harness({ freshReplayBytes: 16 * 1024 });
    const script = [
      'stty -echo',
      'printf "\\033]0;a title\\007"',
      'for i in $(seq 1 30); do printf "\\033[3%dmrow %02d\\033[0m\\r\\n" $((i % 8)) $i; done',
      'printf "\\033[5;10H\\033[1;44m boxed \\033[0m\\033[20;1H"; echo phase-1',
      'read -r _',
      'echo phase-2',
      'read -r _',
    ].join('\n');
    const { info, session, watcher } = await watchedFromStart(h, script, { cols: 70, rows: 20 });

    const late = await lateJoiner(h, session, 'late joiner snapshot');
    const [snapshot] = late.connection.ofType('snapshot');
    expect(snapshot).toMatchObject({ cols: 70, rows: 20, offset: session.ring.end });
    // Exactly the bytes the watcher received, and no emulator was started for it.
    expect(Buffer.from(snapshot.data).equals(watcher.received)).toBe(true);
    expect(session.screen.live).toBe(false);
    expect(await late.screen()).toEqual(await watcher.screen());

    h.manager.resize(info.id, 60, 15);
    h.manager.write(info.id, '\r');
    await waitFor(() => text(watcher).includes('phase-2'), 'phase 2');
    const after = await lateJoiner(h, session, 'snapshot after the resize');
    expect(session.screen.live).toBe(true);
    await waitFor(() => late.nextOffset === session.ring.end && watcher.nextOffset === session.ring.end, 'all caught up');
    const screens = [await watcher.screen(), await late.screen(), await after.screen()];
    expect(screens[1]).toEqual(screens[0]);
    expect(screens[2]).toEqual(screens[0]);
    expect(late.problems).toEqual([]);
    expect(after.problems).toEqual([]);
  });

  it('a reconnect naming its last offset resumes with no gap and no duplicate', async () => {
    const h = harness();
    const script = 'stty -echo; for p in 1 2 3; do for i in $(seq 1 300); do echo "phase $p line $i"; done; echo "end-$p"; read -r _; done';
    const info = await h.manager.create({ command: [...BASH, '-c', script], cwd: '/' });
    const session = h.manager.session(info.id)!;
    const first = client(attach(h, info.id, 0));
    await waitFor(() => text(first).includes('end-1'), 'phase 1');
    const lastOffset = first.nextOffset!;
    first.connection.close();

    h.manager.write(info.id, '\r'); // phase 2 happens while nobody is attached
    await waitFor(() => session.ring.read(0)!.toString().includes('end-2'), 'phase 2 in the ring');

    const second = client(attach(h, info.id, lastOffset));
    await waitFor(() => second.nextOffset === session.ring.end, 'caught up');
    h.manager.write(info.id, '\r');
    await waitFor(() => text(second).includes('end-3'), 'phase 3');

    expect(second.snapshots).toBe(0);
    expect(second.bytesFrom).toBe(lastOffset);
    expect(second.problems).toEqual([]);
    const all = Buffer.concat([first.received, second.received]);
    expect(all.equals(session.ring.read(0, all.length)!)).toBe(true);
    expect(all.toString()).toContain('phase 2 line 300');
  });

  it('a stalled client slows neither the shell nor a fast client, and gets a snapshot when it drains', async () => {
    const h = harness({ ringBytes: 256 * 1024, clientBufferCap: 64 * 1024 });
    // Lines (not one endless line): the snapshot is rebuilt from the ring alone, and wrap positions
    // of a line that started before the ring are unknowable (the documented approximation).
    const script = 'stty -echo; read -r _; yes "$(printf "%070d" 0)" | head -c 3000000; printf "\\r\\ndone-marker\\r\\n"; read -r _';
    const info = await h.manager.create({ command: [...BASH, '-c', script], cwd: '/' });
    const session = h.manager.session(info.id)!;
    const fast = client(attach(h, info.id, 0));
    const slow = client(attach(h, info.id, 0));
    await waitFor(() => fast.nextOffset !== null && slow.nextOffset !== null, 'both attached');
    slow.connection.stalled = true;

    h.manager.write(info.id, '\r');
    await waitFor(() => text(fast).includes('done-marker'), 'the fast client sees the end', 20_000);
    expect(fast.problems).toEqual([]);
    expect(fast.nextOffset).toBe(session.ring.end);
    expect((text(fast).match(/0/g) ?? []).length).toBe(Math.floor(3_000_000 / 71) * 70 + Math.min(70, 3_000_000 % 71));
    expect(session.stream.holdingPty).toBe(false);
    expect(slow.connection.bufferedAmount).toBeGreaterThanOrEqual(64 * 1024);
    expect(slow.nextOffset!).toBeLessThan(session.ring.start); // it fell out of the ring

    slow.connection.stalled = false;
    h.drain(slow.connection);
    await waitFor(() => slow.snapshots === 1 && slow.nextOffset === session.ring.end, 'slow client resynced');
    expect(slow.problems).toEqual([]);
    expect(await slow.screen()).toEqual(await fast.screen());

    h.manager.write(info.id, '\r');
    await waitFor(() => fast.exit !== null && slow.exit !== null, 'both see EXIT');
  });

  it('pauses the PTY when every client is blocked, and drain resumes it', async () => {
    const h = harness({ clientBufferCap: 64 * 1024 });
    const script = 'stty -echo; read -r _; head -c 2000000 /dev/zero | tr "\\0" z; exit 3';
    const info = await h.manager.create({ command: [...BASH, '-c', script], cwd: '/' });
    const session = h.manager.session(info.id)!;
    const only = client(attach(h, info.id, 0));
    await waitFor(() => only.nextOffset !== null, 'attached');
    only.connection.stalled = true;

    h.manager.write(info.id, '\r');
    await waitFor(() => session.stream.holdingPty, 'PTY paused');
    const heldAt = session.ring.end;
    await sleep(100);
    expect(session.ring.end).toBe(heldAt); // nothing read while paused
    expect(heldAt).toBeLessThan(1_000_000);

    let drains = 0;
    while (only.exit === null) {
      h.drain(only.connection); // resumes the PTY; the client blocks again a frame later
      drains++;
      await sleep(2);
      if (drains > 20_000) throw new Error('never finished');
    }
    expect(drains).toBeGreaterThan(5);
    expect(only.exit).toEqual({ exitCode: 3, signal: null });
    expect(only.snapshots).toBe(0);
    expect(only.problems).toEqual([]);
    expect((text(only).match(/z/g) ?? []).length).toBe(2_000_000);
  });

  it('a PAUSEd client does not hold the PTY back and is resynced on RESUME', async () => {
    const h = harness({ ringBytes: 64 * 1024 });
    const script = 'stty -echo; read -r _; for i in $(seq 1 4000); do echo "line $i of output"; done; echo all-done; read -r _';
    const info = await h.manager.create({ command: [...BASH, '-c', script], cwd: '/', rows: 10 });
    const session = h.manager.session(info.id)!;
    const viewer = client(attach(h, info.id, 0));
    await waitFor(() => viewer.nextOffset !== null, 'attached');
    h.send(viewer.connection, ProtocolCodec.control(Opcode.PAUSE));
    h.manager.write(info.id, '\r');
    await waitFor(() => session.ring.read(session.ring.start)!.toString().includes('all-done'), 'output done while paused');
    expect(session.stream.holdingPty).toBe(false);
    expect(text(viewer)).not.toContain('line 1 of');

    h.send(viewer.connection, ProtocolCodec.control(Opcode.RESUME));
    await waitFor(() => viewer.snapshots === 1 && viewer.nextOffset === session.ring.end, 'resynced');
    expect((await viewer.screen()).join('\n')).toContain('all-done');
  });

  it('closes attached clients with 4404 when the session is removed', async () => {
    const h = harness();
    const info = await h.manager.create({ command: ['/bin/cat'], cwd: '/' });
    const a = client(attach(h, info.id, 0));
    await waitFor(() => a.nextOffset !== null, 'attached');
    expect(h.manager.get(info.id)!.clients).toBe(1);
    await h.manager.remove(info.id);
    expect(a.connection.closed).toBe(true);
    expect(a.connection.closeCode).toBe(4404);
    expect(a.exit).not.toBeNull(); // killed first: EXIT went out before the close
  });
});

export type { MemoryWsConnection };
