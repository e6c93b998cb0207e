/**
 * A benchmark client process: WebSocket clients (the `ws` package) and HTTP bursts that must not
 * run on the agent's event loop. Forked by bench/run.ts; driven over the IPC channel with
 * `{id, cmd, args}` requests answered by `{id, ok, result|error}`. Writes nothing to stdout.
 */
import { readFileSync } from 'node:fs';
import { Terminal } from '@xterm/headless';
import { ProtocolCodec } from '@tunnelforge/client';
import {
  percentile, wallMs, withTimeout, type AgentEndpoint, type FloodClientResult,
} from './common';
import { agentApi } from './agent-api';
import { PayloadTracker } from './payload-tracker';
import { WsClient, type ServerMessage } from './ws-client';
import { serveRpc } from './serve-rpc';

let endpoint: AgentEndpoint | null = null;
const payloads = new Map<string, Buffer>();
const jobs = new Map<string, { clients: WsClient[]; stop?: () => unknown; data?: any }>();

function log(message: string): void {
  process.stderr.write(`[client ${process.pid}] ${message}\n`);
}

function ep(): AgentEndpoint {
  if (endpoint === null) throw new Error('init first');
  return endpoint;
}

function payload(file: string): Buffer {
  let buffer = payloads.get(file);
  if (buffer === undefined) {
    buffer = readFileSync(file);
    payloads.set(file, buffer);
  }
  return buffer;
}

/** Open a client, ATTACH without offset, resolve once ATTACHED and the SNAPSHOT arrived. */
async function attachLive(sessionId: string, onMessage: (m: ServerMessage, wire: number, at: number) => void, timeoutMs = 15_000, target: AgentEndpoint = ep()): Promise<WsClient> {
  const client = await WsClient.open(target, timeoutMs);
  let live!: () => void;
  let failed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    live = resolve;
    failed = reject;
  });
  client.onMessage = (m, wire, at) => {
    onMessage(m, wire, at);
    if (m.type === 'snapshot') live();
    else if (m.type === 'error') failed(new Error(`${m.code}: ${m.message}`));
  };
  client.attach(sessionId);
  try {
    await withTimeout(ready, timeoutMs, `attach ${sessionId}`);
  } catch (error) {
    client.terminate();
    throw error;
  }
  return client;
}

/** Investigation variant: ATTACH with offset 0 (resume path: no SNAPSHOT, the server builds no screen model). */
async function attachResume(sessionId: string, onMessage: (m: ServerMessage, wire: number, at: number) => void, timeoutMs = 15_000): Promise<WsClient> {
  const client = await WsClient.open(ep(), timeoutMs);
  let live!: () => void;
  const ready = new Promise<void>((resolve) => (live = resolve));
  client.onMessage = (m, wire, at) => {
    onMessage(m, wire, at);
    if (m.type === 'resized' || m.type === 'error') live();
  };
  client.attach(sessionId, 0);
  await withTimeout(ready, timeoutMs, `resume-attach ${sessionId}`);
  return client;
}

async function closeJob(job: string): Promise<void> {
  const entry = jobs.get(job);
  jobs.delete(job);
  if (entry) await Promise.all(entry.clients.map((c) => c.close()));
}

interface FloodArgs {
  job: string;
  sessionId: string;
  clients: number;
  payloadFile: string;
  payloadBytes: number;
  sha256: string;
  /** Another server speaking protocol v1 (the reference server); default: the agent. */
  endpoint?: AgentEndpoint;
}

/** Attach `clients` flood clients (each hashes and compares the payload region). */
async function floodAttach(args: FloodArgs): Promise<{ attachMs: number }> {
  const expected = payload(args.payloadFile);
  const started = wallMs();
  const trackers: PayloadTracker[] = [];
  const open = Array.from({ length: args.clients }, async () => {
    const tracker = new PayloadTracker(expected, args.payloadBytes, args.sha256);
    trackers.push(tracker);
    return attachLive(args.sessionId, (m, wire, at) => {
      tracker.wireBytes += wire;
      tracker.frames++;
      if (m.type !== 'output' && m.type !== 'snapshot') tracker.note(m.type);
      if (m.type === 'output') tracker.output(m.offset, m.data, at);
      else if (m.type === 'snapshot') tracker.snapshot(m.offset, at);
      else if (m.type === 'error') tracker.fail(`${m.code}: ${m.message}`);
      else if (m.type === 'exit') tracker.fail('session exited before the payload ended');
    }, 15_000, args.endpoint ?? ep());
  });
  const settled = await Promise.allSettled(open);
  const clients = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  jobs.set(args.job, { clients, data: trackers });
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    await closeJob(args.job);
    throw (failure as PromiseRejectedResult).reason;
  }
  return { attachMs: wallMs() - started };
}

/**
 * Wait until every flood client has the whole payload, bounded twice: by `timeoutMs`, and by
 * `stallMs` without any client making progress once the flood has started (a client that stops
 * receiving while the session has nothing more to send would otherwise wait for the full timeout).
 */
async function floodWait(args: { job: string; timeoutMs: number; stallMs?: number }): Promise<FloodClientResult[]> {
  const entry = jobs.get(args.job);
  if (!entry) throw new Error(`no job ${args.job}`);
  const trackers = entry.data as PayloadTracker[];
  const stallMs = args.stallMs ?? 5000;
  let lastTotal = -1;
  let lastChange = Date.now();
  let poll: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    poll = setInterval(() => {
      const total = trackers.reduce((sum, t) => sum + t.bytes + (t.nextOffset ?? 0), 0);
      if (total !== lastTotal) {
        lastTotal = total;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs) {
        reject(new Error(`no progress for ${stallMs} ms`));
      }
    }, 250);
  });
  try {
    await withTimeout(Promise.race([Promise.all(trackers.map((t) => t.done)), stalled]), args.timeoutMs, `flood ${args.job}`);
  } catch (error) {
    for (const tracker of trackers) tracker.fail((error as Error).message);
  } finally {
    clearInterval(poll);
  }
  const results = trackers.map((t, i) => {
    const result = t.result();
    if (result.error !== undefined) {
      // Where the ws client's frame parser stands (diagnostics): waiting inside a frame whose payload
      // never came, or idle between frames.
      const receiver = (entry.clients[i]?.socket as unknown as { _receiver?: { _state?: number; _bufferedBytes?: number; _payloadLength?: number; _opcode?: number } })?._receiver;
      (result as FloodClientResult & { wsReceiver?: unknown }).wsReceiver = receiver
        ? { state: receiver._state, bufferedBytes: receiver._bufferedBytes, payloadLength: receiver._payloadLength, opcode: receiver._opcode }
        : null;
    }
    return result;
  });
  await closeJob(args.job);
  return results;
}

/** One idle viewer per session (attached, live), kept until the job is closed. */
async function attachMany(args: { job: string; ids: string[]; concurrency: number }): Promise<{ attached: number }> {
  const clients: WsClient[] = [];
  jobs.set(args.job, { clients });
  await pool(args.ids.length, args.concurrency, async (i) => {
    clients.push(await attachLive(args.ids[i], () => undefined));
  });
  return { attached: clients.length };
}

/** A client that only counts output bytes (the flooding neighbour, or a watcher). */
async function countAttach(args: { job: string; sessionId: string }): Promise<void> {
  const state = { bytes: 0, firstAt: 0, lastAt: 0, frames: 0 };
  const client = await attachLive(args.sessionId, (m, _wire, at) => {
    if (m.type !== 'output') return;
    if (state.bytes === 0) state.firstAt = at;
    state.bytes += m.data.length;
    state.lastAt = at;
    state.frames++;
  });
  jobs.set(args.job, { clients: [client], data: state });
}

async function countStop(args: { job: string }): Promise<{ bytes: number; firstAt: number; lastAt: number; frames: number }> {
  const entry = jobs.get(args.job);
  if (!entry) throw new Error(`no job ${args.job}`);
  const state = { ...entry.data };
  await closeJob(args.job);
  return state;
}

/** A client that attaches, then stops reading its socket. */
async function stallAttach(args: { job: string; sessionId: string }): Promise<{ localPort: number }> {
  const state = { stalled: false, bytesWhileStalled: 0, afterRelease: 0, beforeSnapshot: 0, snapshotAt: 0, snapshotBytes: 0, nextOffset: 0, releasedAt: 0, released: false, snapshotSeen: false, gaps: 0 };
  const client = await attachLive(args.sessionId, (m, wire) => {
    if (state.stalled && !state.released) state.bytesWhileStalled += wire;
    if (state.released) state.afterRelease += wire;
    if (m.type === 'snapshot') {
      if (state.released && !state.snapshotSeen) {
        state.snapshotSeen = true;
        state.snapshotAt = wallMs();
        state.snapshotBytes = wire;
      }
      state.nextOffset = m.offset;
    } else if (m.type === 'output') {
      if (m.offset !== state.nextOffset) state.gaps++;
      state.nextOffset = m.offset + m.data.length;
      if (state.released && !state.snapshotSeen) state.beforeSnapshot += m.data.length;
    }
  });
  client.stall();
  state.stalled = true;
  jobs.set(args.job, { clients: [client], data: state });
  return { localPort: (client.socket as unknown as { _socket: { localPort: number } })._socket.localPort };
}

/** Read again; report what was queued for the client and whether it recovers to `endOffset`. */
async function stallRelease(args: { job: string; endOffset: number; timeoutMs: number }): Promise<Record<string, unknown>> {
  const entry = jobs.get(args.job);
  if (!entry) throw new Error(`no job ${args.job}`);
  const state = entry.data;
  state.released = true;
  state.releasedAt = wallMs();
  entry.clients[0].unstall();
  const deadline = Date.now() + args.timeoutMs;
  while (state.nextOffset < args.endOffset && Date.now() < deadline && !entry.clients[0].closed) await new Promise((r) => setTimeout(r, 20));
  const result = {
    recovered: state.nextOffset >= args.endOffset,
    gotSnapshot: state.snapshotSeen,
    queuedOutputBytes: state.beforeSnapshot,
    bytesAfterRelease: state.afterRelease,
    snapshotBytes: state.snapshotBytes,
    recoverMs: wallMs() - state.releasedAt,
    offsetGapsWithoutSnapshot: state.gaps,
    closed: entry.clients[0].closed,
  };
  await closeJob(args.job);
  return result;
}

/**
 * Latency probe: one client attached to an echo session, kept across rounds, so rounds of keystrokes
 * (INPUT of one byte → its echo in OUTPUT) and of PING → PONG (the transport and the agent's loop
 * alone, no PTY) can be interleaved with the orchestrator's own node-pty floor rounds.
 */
interface ProbeState {
  pending: { kind: 'echo' | 'pong'; key: number; sentAt: number; resolve: (rtt: number) => void } | null;
  stray: number;
}

async function probeOpen(args: { job: string; sessionId: string; resume?: boolean; endpoint?: AgentEndpoint; waitForMarker?: string }): Promise<void> {
  const state: ProbeState = { pending: null, stray: 0 };
  let seen = '';
  let markerSeen = args.waitForMarker === undefined;
  let onMarker: () => void = () => undefined;
  const marker = new Promise<void>((resolve) => (onMarker = resolve));
  if (markerSeen) onMarker();
  const onMessage = (m: ServerMessage, _wire: number, at: number): void => {
    const pending = state.pending;
    if (!markerSeen) {
      if (m.type === 'output') seen += m.data.toString('latin1');
      if (seen.includes(args.waitForMarker!)) {
        markerSeen = true;
        onMarker();
      }
      return;
    }
    if (m.type === 'output') {
      for (const byte of m.data) {
        if (state.pending !== null && state.pending.kind === 'echo' && byte === state.pending.key) {
          state.pending = null;
          pending!.resolve(at - pending!.sentAt);
        } else state.stray++;
      }
    } else if (m.type === 'pong' && pending !== null && pending.kind === 'pong' && m.payload.length === 4 && m.payload.readUInt32BE(0) === pending.key) {
      state.pending = null;
      pending.resolve(at - pending.sentAt);
    }
  };
  const client = args.resume ? await attachResume(args.sessionId, onMessage) : await attachLive(args.sessionId, onMessage, 15_000, args.endpoint ?? ep());
  try {
    await withTimeout(marker, 10_000, 'echo ready marker');
  } catch (error) {
    client.terminate();
    throw error;
  }
  state.stray = 0; // whatever the session printed before
  jobs.set(args.job, { clients: [client], data: state });
}

/** One round: `samples` keystrokes (or pings), one every `intervalMs`; returns the round-trip times (ms). */
async function probeRound(args: { job: string; kind: 'echo' | 'pong'; samples: number; intervalMs: number; timeoutMs: number; seq: number }): Promise<{ rtts: number[]; timeouts: number; stray: number }> {
  const entry = jobs.get(args.job);
  if (!entry) throw new Error(`no job ${args.job}`);
  const client = entry.clients[0];
  const state = entry.data as ProbeState;
  const rtts: number[] = [];
  let timeouts = 0;
  const started = wallMs();
  for (let i = 0; i < args.samples; i++) {
    const wait = started + i * args.intervalMs - wallMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const n = args.seq + i;
    const key = args.kind === 'echo' ? 0x61 + (n % 26) : n; // a..z: never two equal bytes in a row
    const answered = new Promise<number>((resolve) => {
      state.pending = { kind: args.kind, key, sentAt: wallMs(), resolve };
    });
    if (args.kind === 'echo') client.input(Buffer.of(key));
    else {
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(key);
      client.send(ProtocolCodec.ping(payload));
    }
    let timer: NodeJS.Timeout | undefined;
    const rtt = await Promise.race([answered, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(-1), args.timeoutMs)))]);
    clearTimeout(timer);
    if (rtt < 0) {
      timeouts++;
      state.pending = null;
    } else rtts.push(rtt);
  }
  const stray = state.stray;
  state.stray = 0;
  return { rtts, timeouts, stray };
}

/**
 * A late joiner: ATTACH without offset, count every byte until the client holds the live end
 * (SNAPSHOT plus OUTPUT up to `session.outputBytes` announced in ATTACHED), then rebuild the screen
 * in @xterm/headless and compare it with the expected lines.
 */
async function lateJoin(args: { sessionId: string; expectedLines: string[]; timeoutMs: number }): Promise<Record<string, unknown>> {
  const connectStarted = wallMs();
  const client = await WsClient.open(ep());
  const connectMs = wallMs() - connectStarted;
  const frames: ServerMessage[] = [];
  let bytes = 0;
  let liveEnd: number | null = null;
  let snapshotSeen = false;
  let nextOffset = -1;
  let usableAt = 0;
  let bytesAtUsable = 0;
  let framesAtUsable = 0;
  let snapshotBytes = 0;
  let firstByteAt = 0;
  let snapshotAt = 0;
  let error: string | null = null;
  let usable!: () => void;
  const ready = new Promise<void>((resolve) => (usable = resolve));
  client.onMessage = (m, wire, at) => {
    frames.push(m);
    bytes += wire;
    if (firstByteAt === 0) firstByteAt = at;
    if (m.type === 'attached') liveEnd = m.session.outputBytes;
    else if (m.type === 'snapshot') {
      snapshotSeen = true;
      snapshotAt = at;
      snapshotBytes = wire;
      nextOffset = m.offset;
    } else if (m.type === 'output') nextOffset = m.offset + m.data.length;
    else if (m.type === 'error') {
      error = `${m.code}: ${m.message}`;
      usable();
    }
    if (usableAt === 0 && snapshotSeen && liveEnd !== null && nextOffset >= liveEnd) {
      usableAt = at;
      bytesAtUsable = bytes;
      framesAtUsable = frames.length;
      usable();
    }
  };
  const attachAt = wallMs();
  client.attach(args.sessionId);
  try {
    await withTimeout(ready, args.timeoutMs, 'late joiner');
  } finally {
    await client.close();
  }
  // Rebuild the screen as a client would (after the timing: the bar is about what the server sends).
  const parseStarted = wallMs();
  let term: Terminal | null = null;
  const writes: Array<Promise<void>> = [];
  for (const m of frames) {
    if (m.type === 'snapshot') {
      term?.dispose();
      term = new Terminal({ cols: m.cols, rows: m.rows, scrollback: 1000, allowProposedApi: true, logLevel: 'off' });
      const t = term;
      writes.push(new Promise((resolve) => t.write(m.data, resolve)));
    } else if (m.type === 'output' && term) {
      const t = term;
      writes.push(new Promise((resolve) => t.write(m.data, resolve)));
    } else if (m.type === 'resized' && term) term.resize(m.cols, m.rows);
  }
  await Promise.all(writes);
  const parseMs = wallMs() - parseStarted;
  const screen: string[] = [];
  let cursorLine = '';
  if (term) {
    const t = term as Terminal;
    const buffer = t.buffer.active;
    for (let y = 0; y < t.rows; y++) screen.push((buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '').trimEnd());
    cursorLine = screen[buffer.cursorY] ?? '';
    t.dispose();
  }
  const expected = args.expectedLines.map((l) => l.trimEnd());
  const mismatches: Array<{ row: number; got: string; want: string }> = [];
  for (let row = 0; row < Math.max(screen.length, expected.length); row++) {
    if ((screen[row] ?? '') !== (expected[row] ?? '')) mismatches.push({ row, got: screen[row] ?? '', want: expected[row] ?? '' });
  }
  return {
    error,
    connectMs,
    ms: usableAt > 0 ? usableAt - attachAt : NaN,
    firstByteMs: firstByteAt > 0 ? firstByteAt - attachAt : NaN,
    snapshotMs: snapshotAt > 0 ? snapshotAt - attachAt : NaN,
    bytes: bytesAtUsable,
    frames: framesAtUsable,
    snapshotBytes,
    liveEnd,
    clientParseMs: parseMs,
    cursorLine,
    screenOk: error === null && usableAt > 0 && mismatches.length === 0,
    mismatches: mismatches.slice(0, 5),
  };
}

function api(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  return agentApi(ep(), method, route, body);
}

async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      results[index] = await task(index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Create `count` sessions through the HTTP API, at most `concurrency` at once. */
async function createBurst(args: { count: number; concurrency: number; body: unknown }): Promise<Record<string, unknown>> {
  const started = wallMs();
  const results = await pool(args.count, args.concurrency, async () => {
    const t0 = wallMs();
    try {
      const { status, json } = await api('POST', '/api/sessions', args.body);
      return { ms: wallMs() - t0, id: status === 201 ? (json.id as string) : null, status, error: status === 201 ? null : JSON.stringify(json).slice(0, 200) };
    } catch (error) {
      return { ms: wallMs() - t0, id: null, status: 0, error: String(error) };
    }
  });
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    ids: results.flatMap((r) => (r.id ? [r.id] : [])),
    failures: results.filter((r) => r.id === null).map((r) => `${r.status} ${r.error}`).slice(0, 5),
    totalMs: wallMs() - started,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

/** End and remove sessions (DELETE ends a running one, DELETE again removes it). */
async function deleteSessions(args: { ids: string[]; concurrency: number }): Promise<{ removed: number }> {
  let removed = 0;
  await pool(args.ids.length, args.concurrency, async (i) => {
    const id = args.ids[i];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { status } = await api('DELETE', `/api/sessions/${id}`).catch(() => ({ status: 0 }));
      if (status === 204 || status === 404) {
        removed++;
        return;
      }
    }
  });
  return { removed };
}

/** One client watching every session (WATCH all, previews): counts what arrives. */
async function watchStart(args: { job: string }): Promise<{ sessions: number }> {
  const client = await WsClient.open(ep(), 15_000);
  const data = { previews: 0, bytes: 0, sessions: new Set<string>(), since: wallMs(), listed: 0 };
  const listed = new Promise<number>((resolve) => {
    client.onMessage = (m, wire) => {
      if (m.type === 'watching') resolve(m.sessions.length);
      else if (m.type === 'preview') {
        data.previews++;
        data.bytes += wire;
        data.sessions.add(m.sessionId);
      }
    };
  });
  client.send(ProtocolCodec.watch({ all: true }));
  data.listed = await withTimeout(listed, 15_000, 'WATCHING');
  jobs.set(args.job, { clients: [client], data });
  return { sessions: data.listed };
}

function watchData(job: string): { previews: number; bytes: number; sessions: Set<string>; since: number } {
  const entry = jobs.get(job);
  if (!entry) throw new Error(`no watch job ${job}`);
  return entry.data;
}

const commands: Record<string, (args: any) => Promise<unknown> | unknown> = {
  watchStart,
  /** Start counting afresh (after the first, cold round of previews). */
  watchReset: (args: { job: string }) => {
    const data = watchData(args.job);
    Object.assign(data, { previews: 0, bytes: 0, sessions: new Set(), since: wallMs() });
    return { ok: true };
  },
  watchStop: async (args: { job: string }) => {
    const data = watchData(args.job);
    const result = { previews: data.previews, bytes: data.bytes, sessions: data.sessions.size, ms: wallMs() - data.since };
    await closeJob(args.job);
    return result;
  },
  init: (args: AgentEndpoint) => {
    endpoint = args;
    return { pid: process.pid };
  },
  floodAttach,
  floodWait,
  countAttach,
  countStop,
  attachMany,
  closeJob: (args: { job: string }) => closeJob(args.job),
  stallAttach,
  stallRelease,
  probeOpen,
  probeRound,
  probeClose: (args: { job: string }) => closeJob(args.job),
  lateJoin,
  createBurst,
  deleteSessions,
  /** Collect garbage now, so that a scenario's timestamps do not pay for the previous one's. */
  settle: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return { ok: true };
  },
  cpu: () => {
    const used = process.cpuUsage();
    return { ms: (used.user + used.system) / 1000 };
  },
  closeAll: async () => {
    for (const job of [...jobs.keys()]) await closeJob(job);
  },
  exit: async () => {
    for (const job of [...jobs.keys()]) await closeJob(job);
    setImmediate(() => process.exit(0));
  },
};

serveRpc(commands, (cmd, error) => log(`${cmd} failed: ${(error as Error)?.stack ?? String(error)}`));

// The orchestrator went away: do not linger.
process.on('disconnect', () => {
  for (const entry of jobs.values()) for (const client of entry.clients) client.terminate();
  process.exit(0);
});
