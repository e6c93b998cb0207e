import type { SessionInfo } from '../../src/plugin-api';
import { FakeClock } from '../../src/testkit/fake-clock';
import { OutputRing } from '../../src/sessions/output-ring';
import { ResizeLog } from '../../src/sessions/resize-log';
import { ScreenModel } from '../../src/sessions/screen-model';
import { SessionStream } from '../../src/sessions/session-stream';
import { StreamClient } from '../../src/sessions/stream-client';
import { MemoryWsConnection } from '../helpers/memory-ws-connection';

const info = { id: 'x', name: 'x', command: [], cwd: '/', pid: 1, state: 'running', exitCode: null, signal: null, cols: 80, rows: 24,
  createdAt: '', exitedAt: null, clients: 0, outputBytes: 0, hostId: null, lost: null, recording: false, title: null, lastOutputAt: null, active: false, foreground: null, lastCommand: null } as SessionInfo;

/** The stream engine alone: a ring fed by the test, a fake clock, a recording flow control. */
function setup(options: { cap?: number; frame?: number; ring?: number; screenIdleMs?: number } = {}) {
  const clock = new FakeClock();
  const ring = new OutputRing(options.ring ?? 1024 * 1024);
  const resizes = new ResizeLog(80, 24);
  const screen = new ScreenModel(ring, resizes, { scrollback: 10, maxSnapshotBytes: 64 * 1024, idleMs: options.screenIdleMs ?? 0 }, clock);
  const flow = { paused: false, pauses: 0, pause() { this.paused = true; this.pauses++; }, resume() { this.paused = false; } };
  const stream = new SessionStream(ring, resizes, screen, flow, () => info,
    { clientBufferCap: options.cap ?? 1024 * 1024, coalesceMs: 3, maxFrameBytes: options.frame ?? 64 * 1024 }, clock);
  const output = (data: string | Buffer): void => {
    ring.append(typeof data === 'string' ? Buffer.from(data) : data);
    stream.onOutput();
  };
  const join = (offset = 0): { connection: MemoryWsConnection; client: StreamClient } => {
    const connection = new MemoryWsConnection();
    const client = new StreamClient(connection);
    stream.attach(client, offset);
    return { connection, client };
  };
  return { clock, ring, resizes, screen, flow, stream, output, join };
}

const outputBytes = (connection: MemoryWsConnection): Buffer => Buffer.concat(connection.ofType('output').map((m) => m.data));

describe('SessionStream engine', () => {
  it('builds one frame per cursor and sends it to every client there', () => {
    const { stream, output, join } = setup();
    const a = join();
    const b = join();
    const sent: Uint8Array[][] = [[], []];
    for (const [i, { connection }] of [a, b].entries()) {
      const send = connection.send.bind(connection);
      connection.send = (data: Uint8Array) => (sent[i].push(data), send(data));
    }
    output('shared bytes');
    expect(sent[0]).toHaveLength(1);
    expect(sent[1][0]).toBe(sent[0][0]); // the same Buffer object
    stream.closeAll(1000, 'bye');
  });

  it('cuts frames at maxFrameBytes and keeps offsets exact', () => {
    const { output, join } = setup({ frame: 1024 });
    const { connection } = join();
    const data = Buffer.alloc(5000, 0x41);
    output(data);
    const frames = connection.ofType('output');
    expect(frames.map((f) => f.data.length)).toEqual([1024, 1024, 1024, 1024, 904]);
    expect(frames.map((f) => f.offset)).toEqual([0, 1024, 2048, 3072, 4096]);
  });

  it('coalesces output that arrives while the window is open, then goes idle', async () => {
    const { clock, output, join } = setup();
    const { connection } = join();
    output('a');
    output('b');
    output('c');
    expect(outputBytes(connection).toString()).toBe('a');
    await clock.advance(3);
    expect(connection.ofType('output').map((m) => m.data.toString())).toEqual(['a', 'bc']);
    await clock.advance(3); // nothing new: idle
    expect(clock.pending).toBe(0);
    output('d');
    expect(outputBytes(connection).toString()).toBe('abcd');
  });

  it('a burst bigger than the ring within one coalescing window does not overrun a client that keeps up', () => {
    const { ring, output, join } = setup({ ring: 64 * 1024, frame: 4096 });
    const { connection, client } = join();
    output('x'); // leading edge: the window opens
    for (let i = 0; i < 64; i++) output(Buffer.alloc(4096, 0x61 + (i % 26))); // 256 KiB, no tick
    expect(ring.start).toBeGreaterThan(0); // the ring did wrap
    expect(connection.ofType('snapshot')).toHaveLength(0); // never resynced...
    expect(client.cursor).toBeGreaterThanOrEqual(ring.start); // ...and never behind the ring
    expect(outputBytes(connection).length).toBeGreaterThan(ring.end - 16 * 1024 - 1); // at most a quarter ring unsent
    expect(outputBytes(connection).subarray(1).equals(Buffer.concat(Array.from({ length: 64 }, (_, i) => Buffer.alloc(4096, 0x61 + (i % 26)))).subarray(0, outputBytes(connection).length - 1))).toBe(true);
  });

  it('pauses the producer only when every live, unpaused client is blocked', () => {
    const { flow, stream, output, join } = setup({ cap: 1024, frame: 512 });
    const a = join();
    const b = join();
    a.connection.stalled = true;
    output(Buffer.alloc(4096, 1));
    expect(a.client.blocked).toBe(true);
    expect(b.client.blocked).toBe(false);
    expect(flow.paused).toBe(false); // b still reads

    b.connection.stalled = true;
    output(Buffer.alloc(4096, 2)); // (inside the window: the tick would send; force it)
    stream.drain(b.client);
    expect(b.client.blocked).toBe(true);
    expect(flow.paused).toBe(true); // everyone is blocked

    stream.setPaused(b.client, true); // b asked for PAUSE: it no longer counts...
    expect(flow.paused).toBe(true); // ...and a alone is still blocked
    a.connection.stalled = false;
    a.connection.release();
    stream.drain(a.client);
    expect(flow.paused).toBe(false);
    expect(outputBytes(a.connection).length).toBe(8192);
    stream.closeAll(1000, 'bye');
  });

  it('delivers RESIZED exactly between the bytes before and after the resize', () => {
    const { resizes, ring, stream, output, join } = setup();
    output('before');
    resizes.record(ring.end, 100, 40);
    stream.onResize();
    output('after');
    // A client resuming from 0 replays across the resize point.
    const { connection } = join(0);
    const sequence = connection.messages.slice(1).map((m) =>
      m.type === 'output' ? `out:${m.data.toString()}` : m.type === 'resized' ? `size:${m.cols}x${m.rows}` : m.type);
    expect(sequence).toEqual(['size:80x24', 'out:before', 'size:100x40', 'out:after']);
    stream.closeAll(1000, 'bye');
  });

  it('resyncs a client that fell out of the ring with a SNAPSHOT, then continues', async () => {
    const { ring, stream, output, join } = setup({ ring: 64 * 1024, cap: 16 * 1024, frame: 4096 });
    const slow = join();
    const fast = join();
    slow.connection.stalled = true;
    for (let i = 0; i < 400; i++) {
      output(`line ${i} ${'.'.repeat(300)}\r\n`);
      stream.drain(fast.client);
    }
    expect(slow.client.cursor).toBeLessThan(ring.start);
    slow.connection.stalled = false;
    slow.connection.release();
    stream.drain(slow.client);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const snapshot = slow.connection.ofType('snapshot')[0];
    expect(snapshot).toBeDefined();
    expect(slow.client.cursor).toBe(ring.end);
    const last = slow.connection.messages.at(-1)!;
    expect(['snapshot', 'output']).toContain(last.type);
    stream.closeAll(1000, 'bye');
  });

  it('keeps every client byte-exact while frames are carved from the reused arena, pass after pass', async () => {
    const { clock, stream, output, join } = setup({ frame: 1000, cap: 4096 });
    const a = join();
    const b = join();
    b.connection.stalled = true; // b falls behind: later passes build frames at two different cursors
    let expected = '';
    for (let i = 0; i < 40; i++) {
      const chunk = `${i}:`.padEnd(700, String.fromCharCode(97 + (i % 26)));
      expected += chunk;
      output(chunk);
      await clock.advance(3); // the coalescing tick: another pass
      if (i % 7 === 6) {
        b.connection.release();
        stream.drain(b.client);
      }
    }
    b.connection.stalled = false;
    b.connection.release();
    stream.drain(b.client);
    await clock.advance(3);
    expect(outputBytes(a.connection).equals(Buffer.from(expected))).toBe(true);
    expect(outputBytes(b.connection).equals(Buffer.from(expected))).toBe(true);
    stream.closeAll(1000, 'bye');
  });

  it('does not keep the screen model for attached clients: it goes after the idle time, output goes on, the next joiner gets a rebuilt snapshot', async () => {
    const { clock, screen, stream, output } = setup({ screenIdleMs: 1000 });
    output('first line\r\n');
    const snap = (): { connection: MemoryWsConnection; client: StreamClient } => {
      const connection = new MemoryWsConnection();
      const client = new StreamClient(connection);
      stream.attach(client); // no offset: SNAPSHOT path
      return { connection, client };
    };
    const watcher = snap();
    await new Promise((resolve) => setImmediate(resolve));
    expect(watcher.connection.ofType('snapshot')).toHaveLength(1);
    expect(screen.live).toBe(true);
    await clock.advance(1000);
    expect(screen.live).toBe(false); // the watcher is still attached
    expect(stream.clientCount).toBe(1);
    output('second line\r\n');
    expect(outputBytes(watcher.connection).toString()).toBe('second line\r\n');
    const late = snap();
    await new Promise((resolve) => setImmediate(resolve));
    const [snapshot] = late.connection.ofType('snapshot');
    expect(snapshot.data.toString()).toContain('first line');
    expect(snapshot.data.toString()).toContain('second line');
    stream.closeAll(1000, 'bye');
  });

  it('sends EXIT after the last byte, also to a client that catches up later', () => {
    const { stream, output, join } = setup({ cap: 1024, frame: 512 });
    const a = join();
    a.connection.stalled = true;
    output(Buffer.alloc(3000, 0x61));
    stream.onExit({ exitCode: 0, signal: null });
    expect(a.connection.ofType('exit')).toHaveLength(0);
    a.connection.stalled = false;
    a.connection.release();
    stream.drain(a.client);
    expect(a.connection.messages.at(-1)).toEqual({ type: 'exit', exitCode: 0, signal: null });
    expect(outputBytes(a.connection).length).toBe(3000);
  });
});
