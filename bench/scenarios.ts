import { SessionManager } from '../src/plugin-api';
import type { AgentApiClient, AgentHost, AgentHostOptions } from './agent-host';
import { settledRss, stableRss } from './agent-process';
import type { MemoryBench } from './memory-agent';
import type { ClientProcess } from './client-pool';
import {
  KiB, MiB, READY_MARKER, mbps, median, percentile, round, sleep, type FloodClientResult,
} from './common';
import { echoCommand, endlessFloodCommand, floodCommand, makeLateJoinText, type FloodPayload } from './payloads';
import { CpuMeter, GcProbe, LoopDelay, MachineCpu, MemoryPeak } from './probes';
import { RawEcho } from './raw-echo';
import { rawPtyRun } from './raw-pty';
import { ReferenceServer } from './reference-server';
import { bareReaderRun } from './bare-reader';
import { tcpForwarderRun } from './tcp-forwarder';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Size of every benchmark session (performance.md §C.1: 120×40). */
export const COLS = 120;
export const ROWS = 40;

export interface BenchContext {
  quick: boolean;
  /** The agent the scenario drives: the bench's own (in this process), or one started elsewhere. */
  agent: AgentHost | AgentApiClient;
  /** Two client processes (separate Node processes, separate event loops). */
  a: ClientProcess;
  b: ClientProcess;
  bash: string;
  tmp: string;
  flood: FloodPayload;
  warmup: FloodPayload;
  /** Session defaults (the sessions config the agent runs with). */
  ringBytes: number;
  clientBufferCap: number;
  maxFrameBytes: number;
  /** Investigation: keystroke clients resume at offset 0 instead of a fresh (snapshot) attach. */
  keystrokeResume: boolean;
  /** `--sessions-config` overrides, for scenarios that start an agent of their own. */
  sessionsConfig: Record<string, unknown>;
  logLevel: AgentHostOptions['logLevel'];
  log(message: string): void;
  /** Everything measured beyond the headline keys, per scenario. */
  details: Record<string, unknown>;
  /** Correctness problems (hash mismatch, wrong echo, wrong screen): any entry fails the run. */
  correctness: string[];
}

export type Headline = Partial<{
  floodMBps: number;
  rawPtyMBps: number;
  floodRatio: number;
  floodRatioToForwarder: number;
  cpuPerMBRatioToBareReader: number;
  fanout50AggregateMBps: number;
  fanoutResyncedShare: number;
  keystrokeP50OverBareMs: number;
  keystrokeP99At500SessionsMs: number;
  watchedSessionKiB: number;
  keystrokeP50Ms: number;
  keystrokeP99Ms: number;
  keystrokeP99UnderFloodMs: number;
  keystrokeP99UnderAbuseMs: number;
  keystrokeMaxUnderAbuseMs: number;
  lateJoinBytes: number;
  lateJoinMs: number;
  slowClientFastRatio: number;
  idleSessionKiB: number;
  bytesVerified: boolean;
}>;

let jobSeq = 0;
const sessionEnv = { HISTFILE: '' };

export function sessionBody(ctx: BenchContext, command: string[], env: Record<string, string> = {}): Record<string, unknown> {
  return { command, cwd: ctx.tmp, cols: COLS, rows: ROWS, env: { ...sessionEnv, ...env } };
}

/** Bound on one flood run: generous (2 MB/s floor) but finite. */
function floodTimeout(bytes: number): number {
  return 30_000 + Math.round((bytes / 1e6) * 500);
}

function clientMBps(r: FloodClientResult): number {
  return mbps(r.bytes, r.lastAt - r.firstAt);
}

/** Where the CPU went during a run: this process (agent or baseline), the client processes, the whole machine. */
interface CpuWindow {
  wallMs: number;
  /** Garbage collections of this process (the agent's, or the baseline's) in the window. */
  gc: { major: number; minor: number; majorPauseMs: number; minorPauseMs: number; maxPauseMs: number };
  selfCpuMs: number;
  selfSysMs: number;
  clientCpuMs: number;
  machineBusyMs: number;
}

async function clientCpu(ctx: BenchContext): Promise<number> {
  const [a, b] = await Promise.all([ctx.a.call<{ ms: number }>('cpu', {}, 5000), ctx.b.call<{ ms: number }>('cpu', {}, 5000)]);
  return a.ms + b.ms;
}

async function cpuWindow<T>(ctx: BenchContext, body: () => Promise<T>): Promise<{ value: T; cpu: CpuWindow }> {
  const clientsBefore = await clientCpu(ctx);
  const machine = new MachineCpu().start();
  const self = new CpuMeter().start();
  const gcProbe = new GcProbe().start();
  const t0 = performance.now();
  const value = await body();
  const wallMs = performance.now() - t0;
  const gc = await gcProbe.stop();
  const selfCpuMs = self.ms();
  const selfSysMs = self.sysMs();
  const machineBusyMs = machine.busyMs();
  const clientCpuMs = (await clientCpu(ctx)) - clientsBefore;
  return { value, cpu: { wallMs, gc, selfCpuMs, selfSysMs, clientCpuMs, machineBusyMs } };
}

/** The CPU picture of a run, per payload MB and as cores busy on average. */
function cpuSummary(cpu: CpuWindow, payloadBytes: number): Record<string, number> {
  // Per payload MB, and per second of the window (GC).
  const mb = payloadBytes / 1e6;
  return {
    selfCpuMsPerMB: round(cpu.selfCpuMs / mb),
    selfSysMsPerMB: round(cpu.selfSysMs / mb),
    clientCpuMsPerMB: round(cpu.clientCpuMs / mb),
    machineBusyMsPerMB: round(cpu.machineBusyMs / mb),
    machineBusyCores: round(cpu.machineBusyMs / cpu.wallMs),
    selfCores: round(cpu.selfCpuMs / cpu.wallMs),
    gcMajorPerS: round(cpu.gc.major / (cpu.wallMs / 1000), 1),
    gcPauseMsPerS: round((cpu.gc.majorPauseMs + cpu.gc.minorPauseMs) / (cpu.wallMs / 1000), 1),
    gcMaxPauseMs: cpu.gc.maxPauseMs,
  };
}

interface FloodRun {
  results: FloodClientResult[];
  /** Payload MB/s of the stream: all clients' bytes over the span from the first client's first byte to the last client's last byte. */
  aggregateMBps: number;
  perClientMBps: number[];
  spanMs: number;
  agentCpuMs: number;
  cpu: CpuWindow;
  loop: { p50Ms: number; p99Ms: number; maxMs: number };
  memPeak: { rss: number; heapUsed: number; external: number };
  memBefore: { rss: number; heapUsed: number; external: number };
  stall?: Record<string, unknown>;
}

/**
 * One flood through the agent: a session running the producer, `clientsA` + `clientsB` clients
 * attached (fresh ATTACH, snapshot path) in the two client processes, then the "go" line.
 */
export async function agentFlood(ctx: BenchContext, payload: FloodPayload, clientsA: number, clientsB = 0, stall = false): Promise<FloodRun> {
  const session = await ctx.agent.createSession(sessionBody(ctx, floodCommand(ctx.bash, payload.file)));
  const job = `flood-${++jobSeq}`;
  const timeoutMs = floodTimeout(payload.bytes * Math.max(1, (clientsA + clientsB) / 8));
  try {
    const stalledPort = stall ? (await ctx.b.call<{ localPort: number }>('stallAttach', { job: `${job}-stall`, sessionId: session.id }, 20_000)).localPort : 0;
    const args = { sessionId: session.id, payloadFile: payload.file, payloadBytes: payload.bytes, sha256: payload.sha256, endpoint: ctx.agent.endpoint };
    await Promise.all([
      clientsA > 0 ? ctx.a.call('floodAttach', { job, clients: clientsA, ...args }, 60_000) : null,
      clientsB > 0 ? ctx.b.call('floodAttach', { job, clients: clientsB, ...args }, 60_000) : null,
    ]);
    const memBefore = process.memoryUsage();
    const mem = new MemoryPeak().start(50);
    const loop = new LoopDelay().start();
    const { value: [ra, rb], cpu } = await cpuWindow(ctx, async () => {
      const go = await ctx.agent.api('POST', `/api/sessions/${session.id}/input`, { text: '\r' });
      if (go.status !== 204) throw new Error(`go input: HTTP ${go.status}`);
      return Promise.all([
        clientsA > 0 ? ctx.a.call<FloodClientResult[]>('floodWait', { job, timeoutMs }, timeoutMs + 10_000) : [],
        clientsB > 0 ? ctx.b.call<FloodClientResult[]>('floodWait', { job, timeoutMs }, timeoutMs + 10_000) : [],
      ]);
    });
    const agentCpuMs = cpu.selfCpuMs;
    const loopStats = loop.stop();
    const peak = mem.stop();
    const results = [...ra, ...rb];
    // A client that did not finish: record what the agent's stream thinks of every client (diagnostics).
    const unfinished = results.filter((r) => r.error !== undefined);
    if (unfinished.length > 0) {
      ctx.details.unfinishedFloodDiagnostics ??= [];
      (ctx.details.unfinishedFloodDiagnostics as unknown[]).push({
        job,
        clients: unfinished.map((r) => ({ error: r.error, nextOffset: r.nextOffset, bytes: r.bytes, resyncs: r.resyncs, wsReceiver: (r as { wsReceiver?: unknown }).wsReceiver })),
        agentStream: streamInternals(ctx, session.id),
      });
    }
    const first = Math.min(...results.map((r) => r.firstAt));
    const last = Math.max(...results.map((r) => r.lastAt));
    const total = results.reduce((sum, r) => sum + r.bytes, 0);
    const run: FloodRun = {
      results,
      aggregateMBps: mbps(total, last - first),
      perClientMBps: results.map(clientMBps),
      spanMs: last - first,
      agentCpuMs,
      cpu,
      loop: loopStats,
      memPeak: { rss: peak.rss, heapUsed: peak.heapUsed, external: peak.external },
      memBefore: { rss: memBefore.rss, heapUsed: memBefore.heapUsed, external: memBefore.external },
    };
    if (stall) {
      const start = results[0]?.payloadStart ?? null;
      const end = start === null ? 0 : start + payload.bytes;
      // What the kernel holds for the stalled connection (client receive queue + server send queue):
      // the rest of what the client gets before its SNAPSHOT was held by the agent (uWS buffer).
      const kernel = kernelQueued(stalledPort);
      const released = await ctx.b.call('stallRelease', { job: `${job}-stall`, endOffset: end, timeoutMs: 15_000 }, 25_000);
      run.stall = { ...released, kernelQueuedBytes: kernel, agentBufferedBytes: Number.isFinite(kernel) ? Math.max(0, Number(released.queuedOutputBytes) - kernel) : NaN };
    }
    return run;
  } finally {
    await ctx.a.call('closeAll', {}, 10_000).catch(() => undefined);
    await ctx.b.call('closeAll', {}, 10_000).catch(() => undefined);
    await ctx.agent.removeSession(session.id).catch((error: unknown) => ctx.log(`remove ${session.id}: ${String(error)}`));
  }
}

/** Bytes queued in the kernel for the loopback connection whose client side has `port` (ss: Recv-Q + Send-Q). */
function kernelQueued(port: number): number {
  try {
    const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8', timeout: 5000 });
    let total = 0;
    for (const line of out.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4) continue;
      total += Number(fields[0]) + Number(fields[1]);
    }
    return total;
  } catch {
    return NaN;
  }
}

/**
 * Correctness of a flood run: every (non-stalled) client must have received every payload byte, in
 * order, with the expected sha256. A byte that differs or an offset gap is corruption; a client that
 * fell out of the ring and was resynced with a SNAPSHOT received no wrong byte but skipped some: the
 * stream it got does not hash to the payload either, so it fails `bytesVerified` too (reported as such).
 */
export function checkFlood(ctx: BenchContext, what: string, results: FloodClientResult[], payloadBytes: number): boolean {
  let ok = true;
  for (const [i, r] of results.entries()) {
    if (r.mismatchedBytes > 0 || r.offsetGaps > 0) {
      ctx.correctness.push(`${what} client ${i}: CORRUPT: ${r.mismatchedBytes} bytes differ, ${r.offsetGaps} offset gaps without a SNAPSHOT${r.firstGap ? ` (first: expected offset ${r.firstGap.expected}, got ${r.firstGap.got}; frames before: ${r.firstGap.recent.join(', ')})` : ''}`);
    }
    if (r.complete) continue;
    ok = false;
    const why = r.resyncs > 0
      ? `resynced ${r.resyncs}x (fell out of the ring, got a SNAPSHOT): ${payloadBytes - r.bytes} of ${payloadBytes} payload bytes skipped, none differed`
      : `${r.error ?? 'incomplete'} (${r.bytes} of ${payloadBytes} payload bytes)`;
    ctx.correctness.push(`${what} client ${i}: not every byte delivered: ${why}`);
    ctx.log(`${what} client ${i}: ${why}`);
  }
  return ok;
}

function summarizeClients(results: FloodClientResult[]): Record<string, unknown> {
  const rates = results.map(clientMBps).sort((a, b) => a - b);
  return {
    clients: results.length,
    complete: results.filter((r) => r.complete).length,
    resynced: results.filter((r) => r.resyncs > 0).length,
    mismatchedBytes: results.reduce((s, r) => s + r.mismatchedBytes, 0),
    offsetGaps: results.reduce((s, r) => s + r.offsetGaps, 0),
    perClientMBps: { min: round(rates[0] ?? NaN), median: round(median(rates)), max: round(rates[rates.length - 1] ?? NaN) },
    framesPerClient: round(median(results.map((r) => r.frames)), 0),
    avgFrameKiB: round(median(results.map((r) => r.wireBytes / Math.max(1, r.frames) / KiB)), 1),
  };
}

function rawEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...sessionEnv, TERM: 'xterm-256color' };
}

export async function rawRun(ctx: BenchContext, payload: FloodPayload, expected: Buffer) {
  return cpuWindow(ctx, () => rawPtyRun({
    argv: floodCommand(ctx.bash, payload.file),
    cols: COLS,
    rows: ROWS,
    cwd: ctx.tmp,
    env: rawEnv(),
    expected,
    payloadBytes: payload.bytes,
    sha256: payload.sha256,
    timeoutMs: floodTimeout(payload.bytes),
  }));
}

/** The same producer through the minimal reference server (bench/reference-server.ts) to client A. */
export async function referenceRun(ctx: BenchContext, payload: FloodPayload) {
  const server = await ReferenceServer.start({ argv: floodCommand(ctx.bash, payload.file), cols: COLS, rows: ROWS, cwd: ctx.tmp, env: rawEnv() });
  const job = `reference-${++jobSeq}`;
  const timeoutMs = floodTimeout(payload.bytes);
  try {
    await ctx.a.call('floodAttach', { job, clients: 1, sessionId: 'reference', payloadFile: payload.file, payloadBytes: payload.bytes, sha256: payload.sha256, endpoint: server.endpoint }, 60_000);
    return await cpuWindow(ctx, async () => {
      server.go();
      const results = await ctx.a.call<FloodClientResult[]>('floodWait', { job, timeoutMs }, timeoutMs + 10_000);
      return results[0];
    });
  } finally {
    await ctx.a.call('closeAll', {}, 10_000).catch(() => undefined);
    server.close();
  }
}

/**
 * S1: raw node-pty vs. one WebSocket client through the agent, alternated, medians. A third
 * column, the minimal reference server (PTY → uWS per chunk, same client), shows how much of the gap
 * any WebSocket server pays on this machine.
 */
export async function floodScenario(ctx: BenchContext): Promise<Headline> {
  const expected = readFileSync(ctx.flood.file);
  const warm = readFileSync(ctx.warmup.file);
  // Warm-up (discarded): JIT, buffers, uWS paths.
  await rawRun(ctx, ctx.warmup, warm);
  await agentFlood(ctx, ctx.warmup, 1);
  await referenceRun(ctx, ctx.warmup);
  await bareRun(ctx, ctx.warmup);
  await forwarderRun(ctx, ctx.warmup);
  const reps = ctx.quick ? 3 : 5;
  const raw: number[] = [];
  const flood: number[] = [];
  const reference: number[] = [];
  const bare: number[] = [];
  const forwarder: number[] = [];
  /** CPU ms per payload MB, per repetition: the agent's (this process) and the bare reader's (its process). */
  const agentCpuPerMB: number[] = [];
  const bareCpuPerMB: number[] = [];
  const forwarderCpuPerMB: number[] = [];
  const runs: Array<Record<string, unknown>> = [];
  let verified = true;
  const mb = ctx.flood.bytes / 1e6;
  const kinds = ['raw', 'bare', 'flood', 'forwarder', 'reference'] as const;
  for (let i = 0; i < reps; i++) {
    // Rotate the order so a load change on the machine hits every side alike.
    const order = kinds.map((_, k) => kinds[(k + i) % kinds.length]);
    for (const kind of order) {
      await sleep(300);
      if (kind === 'raw') {
        const { value: r, cpu } = await rawRun(ctx, ctx.flood, expected);
        if (r.mismatchedBytes > 0) ctx.correctness.push(`raw node-pty run ${i}: ${r.mismatchedBytes} bytes differ`);
        if (!r.complete) throw new Error(`raw node-pty run incomplete: ${r.error ?? `${r.bytes} bytes`}`);
        const rate = clientMBps(r);
        raw.push(rate);
        runs.push({ kind, MBps: round(rate), ...cpuSummary(cpu, ctx.flood.bytes), chunks: r.frames, avgChunkB: Math.round(r.wireBytes / r.frames) });
        ctx.log(`raw node-pty: ${rate.toFixed(1)} MB/s`);
      } else if (kind === 'bare') {
        const r = await bareRun(ctx, ctx.flood);
        bare.push(r.MBps);
        bareCpuPerMB.push(r.cpuMs / mb);
        runs.push({ kind, MBps: round(r.MBps), cpuMsPerMB: round(r.cpuMs / mb), sysMsPerMB: round(r.sysMs / mb), chunks: r.chunks, avgChunkB: Math.round(r.bytes / r.chunks) });
        ctx.log(`bare reader: ${r.MBps.toFixed(1)} MB/s, ${(r.cpuMs / mb).toFixed(2)} ms CPU/MB`);
      } else if (kind === 'forwarder') {
        const { value: r, cpu } = await cpuWindow(ctx, () => forwarderRun(ctx, ctx.flood));
        if (r.mismatchedBytes > 0) ctx.correctness.push(`tcp forwarder run ${i}: ${r.mismatchedBytes} bytes differ`);
        forwarder.push(r.MBps);
        forwarderCpuPerMB.push(cpu.selfCpuMs / mb);
        runs.push({ kind, MBps: round(r.MBps), exact: r.exact, ...cpuSummary(cpu, ctx.flood.bytes) });
        ctx.log(`tcp forwarder: ${r.MBps.toFixed(1)} MB/s`);
      } else if (kind === 'reference') {
        const { value: r, cpu } = await referenceRun(ctx, ctx.flood);
        if (r.mismatchedBytes > 0 || r.offsetGaps > 0) ctx.correctness.push(`reference server run ${i}: ${r.mismatchedBytes} bytes differ`);
        const rate = clientMBps(r);
        reference.push(rate);
        runs.push({ kind, MBps: round(rate), complete: r.complete, ...cpuSummary(cpu, ctx.flood.bytes), frames: r.frames, avgFrameKiB: round(r.wireBytes / r.frames / KiB, 1) });
        ctx.log(`reference server: ${rate.toFixed(1)} MB/s`);
      } else {
        const run = await agentFlood(ctx, ctx.flood, 1);
        verified = checkFlood(ctx, `flood run ${i}`, run.results, ctx.flood.bytes) && verified;
        const rate = run.perClientMBps[0];
        flood.push(rate);
        agentCpuPerMB.push(run.cpu.selfCpuMs / mb);
        runs.push({
          kind,
          MBps: round(rate),
          complete: run.results[0].complete,
          ...cpuSummary(run.cpu, ctx.flood.bytes),
          loop: run.loop,
          frames: run.results[0].frames,
          avgFrameKiB: round(run.results[0].wireBytes / run.results[0].frames / KiB, 1),
          peakRssMiB: round(run.memPeak.rss / MiB, 1),
        });
        ctx.log(`flood 1 client: ${rate.toFixed(1)} MB/s, ${(run.cpu.selfCpuMs / mb).toFixed(2)} ms CPU/MB (${run.results[0].complete ? 'verified' : 'NOT verified'})`);
      }
    }
  }
  const rawMBps = median(raw);
  const floodMBps = median(flood);
  const referenceMBps = median(reference);
  const pairRatios = flood.map((f, i) => f / raw[i]);
  const forwarderRatios = flood.map((f, i) => f / forwarder[i]);
  const cpuRatios = agentCpuPerMB.map((c, i) => c / bareCpuPerMB[i]);
  ctx.details.flood = {
    payloadMiB: ctx.flood.bytes / MiB,
    repetitions: reps,
    rawMBpsMinMax: [round(Math.min(...raw)), round(Math.max(...raw))],
    floodMBpsMinMax: [round(Math.min(...flood)), round(Math.max(...flood))],
    referenceMBps: round(referenceMBps),
    referenceMBpsMinMax: [round(Math.min(...reference)), round(Math.max(...reference))],
    bareReaderMBps: round(median(bare)),
    forwarderMBps: round(median(forwarder)),
    forwarderMBpsMinMax: [round(Math.min(...forwarder)), round(Math.max(...forwarder))],
    cpuMsPerMB: { agent: round(median(agentCpuPerMB)), bareReader: round(median(bareCpuPerMB)), forwarder: round(median(forwarderCpuPerMB)) },
    cpuRatiosToBareReader: cpuRatios.map((r) => round(r, 3)),
    forwarderPairRatios: forwarderRatios.map((r) => round(r, 3)),
    floodVsReference: round(floodMBps / referenceMBps, 3),
    referenceVsRaw: round(referenceMBps / rawMBps, 3),
    forwarderVsRaw: round(median(forwarder) / rawMBps, 3),
    // flood/raw within each repetition (the same few seconds, the same machine load): the headline
    // floodRatio is their median, which a load change between repetitions cannot skew.
    pairRatios: pairRatios.map((r) => round(r, 3)),
    ratioOfMedians: round(floodMBps / rawMBps, 3),
    runs,
  };
  return {
    rawPtyMBps: round(rawMBps),
    floodMBps: round(floodMBps),
    floodRatio: round(median(pairRatios), 3),
    floodRatioToForwarder: round(median(forwarderRatios), 3),
    cpuPerMBRatioToBareReader: round(median(cpuRatios), 3),
    bytesVerified: verified,
  };
}

/** The same producer read by node-pty in a separate process that does nothing with the bytes. */
function bareRun(ctx: BenchContext, payload: FloodPayload) {
  return bareReaderRun({ argv: floodCommand(ctx.bash, payload.file), cols: COLS, rows: ROWS, cwd: ctx.tmp, env: rawEnv(), timeoutMs: floodTimeout(payload.bytes) });
}

/** The same producer behind the simplest forwarder (node-pty → loopback TCP), read by a child that checks every byte. */
function forwarderRun(ctx: BenchContext, payload: FloodPayload) {
  return tcpForwarderRun(payload, { argv: floodCommand(ctx.bash, payload.file), cols: COLS, rows: ROWS, cwd: ctx.tmp, env: rawEnv(), timeoutMs: floodTimeout(payload.bytes) });
}

/**
 * S2: one session, `count` clients (half per client process), each reading as fast as it can, every
 * client's bytes hashed. A client that falls more than the ring behind is resynced with a SNAPSHOT
 * by design (issue 3 §5: it must not hold the shell or the others back): it skips bytes but must
 * never get a wrong one. Verified here: no byte differs and no offset jumps anywhere, and every
 * client that was not resynced got every byte; the resynced share is reported with why.
 */
export async function fanoutScenario(ctx: BenchContext, payload: FloodPayload, count: number): Promise<{ headline: Headline; share: number }> {
  const run = await agentFlood(ctx, payload, Math.ceil(count / 2), Math.floor(count / 2));
  let verified = true;
  const resynced: Array<Record<string, unknown>> = [];
  for (const [i, r] of run.results.entries()) {
    if (r.mismatchedBytes > 0 || r.offsetGaps > 0) {
      verified = false;
      ctx.correctness.push(`fan-out ${count} client ${i}: CORRUPT: ${r.mismatchedBytes} bytes differ, ${r.offsetGaps} offset gaps without a SNAPSHOT`);
    } else if (r.resyncs > 0) {
      resynced.push({ client: i, resyncs: r.resyncs, skippedBytes: payload.bytes - r.bytes, MBps: round(clientMBps(r)) });
    } else if (!r.complete) {
      verified = false;
      ctx.correctness.push(`fan-out ${count} client ${i}: not every byte delivered: ${r.error ?? 'incomplete'} (${r.bytes} of ${payload.bytes})`);
    }
  }
  const share = round(resynced.length / run.results.length, 3);
  (ctx.details.fanout ??= {} as Record<string, unknown>);
  (ctx.details.fanout as Record<string, unknown>)[`clients${count}`] = {
    payloadMiB: payload.bytes / MiB,
    aggregateMBps: round(run.aggregateMBps),
    streamMBps: round(mbps(payload.bytes, run.spanMs)),
    spanMs: round(run.spanMs, 0),
    agentCpuMs: round(run.agentCpuMs, 0),
    agentCpuMsPerDeliveredMB: round(run.agentCpuMs / ((payload.bytes * run.results.length) / 1e6), 3),
    loop: run.loop,
    peakRssMiB: round(run.memPeak.rss / MiB, 1),
    rssGrowthMiB: round((run.memPeak.rss - run.memBefore.rss) / MiB, 1),
    resyncedShare: share,
    resynced,
    whyResynced: resynced.length === 0 ? null
      : `each of these clients fell more than the ${ctx.ringBytes / MiB} MiB ring behind the others; the PTY is only held back when every client is blocked, so the slowest are resynced with a SNAPSHOT (bytes skipped, none wrong)`,
    ...summarizeClients(run.results),
  };
  ctx.log(`fan-out ${count}: ${run.aggregateMBps.toFixed(1)} MB/s aggregate, ${run.results.filter((r) => r.complete).length}/${count} complete, ${resynced.length} resynced`);
  return { headline: { bytesVerified: verified }, share };
}

/** Diagnostic peek at a session's stream clients (agent internals, read in process; null if they moved). */
function streamInternals(ctx: BenchContext, sessionId: string): Record<string, unknown> | null {
  try {
    if (!('kernel' in ctx.agent)) return null;
    const manager = ctx.agent.kernel.service(SessionManager) as unknown as {
      session(id: string): { ring: { start: number; end: number }; stream: { holdingPty: boolean; clients: Set<{ cursor: number; blocked: boolean; live: boolean; paused: boolean; connection: { bufferedAmount: number; closed: boolean } }> } } | undefined;
    };
    const session = manager.session(sessionId);
    if (!session) return null;
    const clients = [...session.stream.clients].map((c) => ({ cursor: c.cursor, behind: session.ring.end - c.cursor, blocked: c.blocked, live: c.live, paused: c.paused, bufferedAmount: c.connection.bufferedAmount, closed: c.connection.closed }));
    // Kernel queues of the agent's loopback connections (Recv-Q, Send-Q per socket), non-empty ones only.
    let kernel: string[] = [];
    try {
      const port = new URL(ctx.agent.endpoint.httpUrl).port;
      kernel = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8', timeout: 5000 })
        .split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^0\s+0\s/.test(l));
    } catch {
      kernel = ['ss failed'];
    }
    return {
      ringStart: session.ring.start,
      ringEnd: session.ring.end,
      holdingPty: session.stream.holdingPty,
      behindClients: clients.filter((c) => c.behind > 0),
      clientsWithUwsBuffered: clients.filter((c) => c.bufferedAmount > 0),
      kernelQueuesNonEmpty: kernel,
    };
  } catch (error) {
    return { error: String(error) };
  }
}

/**
 * Diagnostic peek at the flooding session's server-side screen model (agent internals, read in
 * process; null if they are not where they were when this was written).
 */
function screenInternals(ctx: BenchContext, sessionId: string): Record<string, unknown> | null {
  try {
    if (!('kernel' in ctx.agent)) return null;
    const manager = ctx.agent.kernel.service(SessionManager) as unknown as { session(id: string): { screen: { live: boolean; resets: number; parsedOffset: number }; ring: { end: number; start: number } } | undefined };
    const session = manager.session(sessionId);
    if (!session) return null;
    return { live: session.screen.live, resets: session.screen.resets, parsedOffset: session.screen.parsedOffset, ringStart: session.ring.start, ringEnd: session.ring.end };
  } catch {
    return null;
  }
}

export async function echoSession(ctx: BenchContext): Promise<string> {
  const session = await ctx.agent.createSession(sessionBody(ctx, echoCommand(ctx.bash)));
  // The marker comes after `stty raw -echo`: from then on every byte is echoed by `cat` alone.
  await ctx.agent.waitSession(session.id, (info) => info.outputBytes >= READY_MARKER.length, 10_000, 'echo session ready');
  return session.id;
}

/** Keystroke samples and pacing (performance.md §C.3 S4: 1 byte every 10-20 ms), in interleaved rounds. */
export type KeystrokePlan = ReturnType<typeof keystrokePlan>;

function keystrokePlan(ctx: BenchContext) {
  return ctx.quick
    ? { rounds: 10, perRound: 50, floorPerRound: 15, intervalMs: 10, warmup: 20 }
    : { rounds: 20, perRound: 100, floorPerRound: 50, intervalMs: 15, warmup: 20 };
}

function latencyStats(rtts: number[], timeouts: number): Record<string, number> {
  const sorted = [...rtts].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    timeouts,
    p50: round(percentile(sorted, 50), 3),
    p90: round(percentile(sorted, 90), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted[sorted.length - 1] ?? NaN, 3),
  };
}

/**
 * Keystroke rounds through the agent, interleaved with two floors measured in the same minutes (the
 * machine is shared, so the load changes): the same echo on node-pty directly in this process (PTY
 * + scheduler), and PING/PONG through the agent (transport + agent loop, no PTY).
 */
export async function keystrokeRounds(ctx: BenchContext, echoId: string, floors: boolean, planOverride?: KeystrokePlan): Promise<Record<string, Record<string, number>>> {
  const plan = planOverride ?? keystrokePlan(ctx);
  const job = `probe-${++jobSeq}`;
  const refJob = `probe-ref-${jobSeq}`;
  const raw = floors ? new RawEcho({ argv: echoCommand(ctx.bash), cwd: ctx.tmp, env: rawEnv() }) : null;
  // The same echo behind the minimal reference server (bench/reference-server.ts), same client process.
  const reference = floors ? await ReferenceServer.start({ argv: echoCommand(ctx.bash), cols: COLS, rows: ROWS, cwd: ctx.tmp, env: rawEnv() }) : null;
  const keys = { rtts: [] as number[], timeouts: 0, stray: 0 };
  const pings = { rtts: [] as number[], timeouts: 0 };
  const floor = { rtts: [] as number[], timeouts: 0 };
  const refKeys = { rtts: [] as number[], timeouts: 0 };
  try {
    await raw?.open();
    await ctx.a.call('probeOpen', { job, sessionId: echoId, resume: ctx.keystrokeResume, endpoint: ctx.agent.endpoint }, 20_000);
    if (reference) await ctx.a.call('probeOpen', { job: refJob, sessionId: 'reference', endpoint: reference.endpoint, waitForMarker: READY_MARKER }, 20_000);
    const call = (probe: string, kind: 'echo' | 'pong', samples: number, seq: number) =>
      ctx.a.call<{ rtts: number[]; timeouts: number; stray: number }>('probeRound', { job: probe, kind, samples, intervalMs: plan.intervalMs, timeoutMs: 2000, seq }, samples * (plan.intervalMs + 2100) + 10_000);
    // Warm-up (discarded).
    await call(job, 'echo', plan.warmup, 0);
    if (raw) await raw.round(plan.warmup, plan.intervalMs, 0);
    if (reference) await call(refJob, 'echo', plan.warmup, 0);
    for (let r = 0; r < plan.rounds; r++) {
      const seq = plan.warmup + r * plan.perRound;
      const k = await call(job, 'echo', plan.perRound, seq);
      keys.rtts.push(...k.rtts);
      keys.timeouts += k.timeouts;
      keys.stray += k.stray;
      if (raw) {
        const f = await raw.round(plan.floorPerRound, plan.intervalMs, seq);
        floor.rtts.push(...f.rtts);
        floor.timeouts += f.timeouts;
      }
      if (reference) {
        const f = await call(refJob, 'echo', plan.floorPerRound, seq);
        refKeys.rtts.push(...f.rtts);
        refKeys.timeouts += f.timeouts;
      }
      const p = await call(job, 'pong', plan.floorPerRound, seq);
      pings.rtts.push(...p.rtts);
      pings.timeouts += p.timeouts;
    }
  } finally {
    raw?.close();
    await ctx.a.call('probeClose', { job }, 10_000).catch(() => undefined);
    await ctx.a.call('probeClose', { job: refJob }, 10_000).catch(() => undefined);
    reference?.close();
  }
  if (keys.stray > 0) ctx.correctness.push(`keystroke: ${keys.stray} echoed bytes that were not the keystroke sent`);
  return {
    keystroke: { ...latencyStats(keys.rtts, keys.timeouts), intervalMs: plan.intervalMs },
    ...(floors ? { floorNodePtyEcho: latencyStats(floor.rtts, floor.timeouts), referenceServerKeystroke: latencyStats(refKeys.rtts, refKeys.timeouts) } : {}),
    floorWsPing: latencyStats(pings.rtts, pings.timeouts),
  };
}

/** S4: keystroke round trip on an idle agent (1 client, session running a raw-mode `cat`). */
export async function keystrokeScenario(ctx: BenchContext): Promise<Headline> {
  const id = await echoSession(ctx);
  try {
    const loop = new LoopDelay().start();
    const r = await keystrokeRounds(ctx, id, true);
    const loopStats = loop.stop();
    if (r.keystroke.timeouts > 0) ctx.correctness.push(`keystroke: ${r.keystroke.timeouts} keystrokes never echoed`);
    ctx.details.keystroke = { ...r, agentLoop: loopStats };
    ctx.log(`keystroke idle: p50 ${r.keystroke.p50} ms, p99 ${r.keystroke.p99} ms (node-pty echo alone p99 ${r.floorNodePtyEcho.p99} ms, ws ping p99 ${r.floorWsPing.p99} ms, reference server keystroke p99 ${r.referenceServerKeystroke.p99} ms)`);
    ctx.details.keystroke = { ...(ctx.details.keystroke as object), p99RatioToReferenceServer: round(r.keystroke.p99 / r.referenceServerKeystroke.p99, 3), p50RatioToReferenceServer: round(r.keystroke.p50 / r.referenceServerKeystroke.p50, 3), p50OverReferenceServerMs: round(r.keystroke.p50 - r.referenceServerKeystroke.p50, 3), referenceServerP50OverBareMs: round(r.referenceServerKeystroke.p50 - r.floorNodePtyEcho.p50, 3) };
    // "Bare" echo: the same raw-mode `cat` read and written by node-pty in the bench process, no server.
    return { keystrokeP50Ms: r.keystroke.p50, keystrokeP99Ms: r.keystroke.p99, keystrokeP50OverBareMs: round(r.keystroke.p50 - r.floorNodePtyEcho.p50, 3) };
  } finally {
    await ctx.agent.removeSession(id).catch(() => undefined);
  }
}

/** S4b: keystroke round trip while another session floods its own client (in the other client process). */
export async function keystrokeUnderFloodScenario(ctx: BenchContext): Promise<Headline> {
  const flood = await ctx.agent.createSession(sessionBody(ctx, endlessFloodCommand(ctx.bash)));
  const job = `neighbour-${++jobSeq}`;
  let echoId: string | null = null;
  try {
    echoId = await echoSession(ctx);
    await ctx.b.call('countAttach', { job, sessionId: flood.id }, 20_000);
    await ctx.agent.api('POST', `/api/sessions/${flood.id}/input`, { text: '\r' });
    await sleep(300); // the flood is at full speed
    const loop = new LoopDelay().start();
    const cpu = new CpuMeter().start();
    const gcProbe = new GcProbe().start();
    const t0 = performance.now();
    const r = await keystrokeRounds(ctx, echoId, false);
    const seconds = (performance.now() - t0) / 1000;
    const gc = await gcProbe.stop();
    const loopStats = loop.stop();
    const agentCpuMs = cpu.ms();
    const internals = screenInternals(ctx, flood.id);
    const neighbour = await ctx.b.call('countStop', { job }, 20_000);
    if (r.keystroke.timeouts > 0) ctx.correctness.push(`keystroke under flood: ${r.keystroke.timeouts} keystrokes never echoed`);
    const neighbourMBps = mbps(neighbour.bytes, neighbour.lastAt - neighbour.firstAt);
    ctx.details.keystrokeUnderFlood = {
      ...r,
      neighbourMBps: round(neighbourMBps),
      neighbourFrames: neighbour.frames,
      agentLoop: loopStats,
      agentCpuMs: round(agentCpuMs, 0),
      agentGc: { ...gc, majorPerS: round(gc.major / seconds, 1), pauseMsPerS: round((gc.majorPauseMs + gc.minorPauseMs) / seconds, 1) },
      neighbourScreenModel: internals,
    };
    ctx.log(`keystroke under flood: p50 ${r.keystroke.p50} ms, p99 ${r.keystroke.p99} ms (neighbour ${neighbourMBps.toFixed(1)} MB/s; ws ping p99 ${r.floorWsPing.p99} ms)`);
    return { keystrokeP99UnderFloodMs: r.keystroke.p99 };
  } finally {
    await ctx.b.call('closeAll', {}, 10_000).catch(() => undefined);
    await ctx.agent.removeSession(flood.id).catch(() => undefined);
    if (echoId) await ctx.agent.removeSession(echoId).catch(() => undefined);
  }
}

function roundAll(record: Record<string, unknown>, digits = 3): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typeof v === 'number' ? round(v, digits) : v]));
}

/**
 * S5: a shell prints 10 MiB (SGR colours, UTF-8), then idles at its prompt; a new client attaches
 * without offset. Cold: nobody watched the session (the server-side screen model does not exist
 * yet). Warm: one client watched the output from the start.
 */
export async function lateJoinScenario(ctx: BenchContext): Promise<Headline> {
  const text = makeLateJoinText(ctx.tmp, 10 * MiB);
  const prompt = 'tfb-prompt$ ';
  const expectedLines = [...text.lastVisible(ROWS - 1), prompt.trimEnd()];
  const run = async (warm: boolean): Promise<Record<string, unknown>> => {
    const session = await ctx.agent.createSession(sessionBody(ctx, [ctx.bash, '--norc', '--noprofile'], { PS1: prompt }));
    const job = `watcher-${++jobSeq}`;
    try {
      await ctx.agent.waitSession(session.id, (info) => info.outputBytes > 0, 10_000, 'first prompt');
      if (warm) await ctx.b.call('countAttach', { job, sessionId: session.id }, 20_000);
      await ctx.agent.api('POST', `/api/sessions/${session.id}/input`, { text: `cat '${text.file}'\r` });
      // The output is the file (ONLCR adds a \r per line) plus the echoed command and two prompts.
      const minimum = text.bytes + text.lines;
      let last = -1;
      let stableSince = Date.now();
      await ctx.agent.waitSession(session.id, (info) => {
        if (info.outputBytes !== last) {
          last = info.outputBytes;
          stableSince = Date.now();
          return false;
        }
        return info.outputBytes >= minimum && Date.now() - stableSince >= 300;
      }, 60_000, '10 MiB printed');
      if (warm) await sleep(1000); // the screen model catches up in the background once output is quiet
      const loop = new LoopDelay().start();
      const cpu = new CpuMeter().start();
      const r = await ctx.a.call('lateJoin', { sessionId: session.id, expectedLines, timeoutMs: 15_000 }, 30_000);
      const agentCpuMs = cpu.ms();
      const loopStats = loop.stop();
      if (!r.screenOk) ctx.correctness.push(`late joiner (${warm ? 'warm' : 'cold'}): screen differs: ${JSON.stringify(r.mismatches).slice(0, 300)}`);
      return { ...roundAll(r as Record<string, unknown>), sessionOutputBytes: last, agentCpuMs: round(agentCpuMs, 1), agentLoop: loopStats };
    } finally {
      if (warm) await ctx.b.call('closeAll', {}, 10_000).catch(() => undefined);
      await ctx.agent.removeSession(session.id).catch(() => undefined);
    }
  };
  // Two cold joins on two sessions: the first one in this process also pays for the JIT warming up
  // the emulator's parser on this kind of output; the second shows the steady state.
  const cold = await run(false);
  ctx.log(`late join (cold, 1st in process): ${cold.bytes} B in ${cold.ms} ms, screen ${cold.screenOk ? 'ok' : 'WRONG'}`);
  const cold2 = await run(false);
  ctx.log(`late join (cold, 2nd): ${cold2.bytes} B in ${cold2.ms} ms, screen ${cold2.screenOk ? 'ok' : 'WRONG'}`);
  const warm = await run(true);
  ctx.log(`late join (warm): ${warm.bytes} B in ${warm.ms} ms, screen ${warm.screenOk ? 'ok' : 'WRONG'}`);
  ctx.details.lateJoin = { textBytes: text.bytes, textLines: text.lines, cold, cold2, warm };
  // Headline: the worse of the two cold joins (a late joiner may be the first one after a restart).
  const worst = Number(cold.ms) >= Number(cold2.ms) ? cold : cold2;
  return { lateJoinBytes: Math.max(Number(cold.bytes), Number(cold2.bytes)), lateJoinMs: worst.ms as number };
}

/** S6: a fast client alone, then beside a stalled client; alternated, medians; agent memory bounded? */
export async function slowClientScenario(ctx: BenchContext, payload: FloodPayload): Promise<Headline> {
  const reps = ctx.quick ? 3 : 5;
  const alone: number[] = [];
  const beside: number[] = [];
  const pairRatios: number[] = [];
  const runs: Array<Record<string, unknown>> = [];
  let verified = true;
  let bounded = true;
  const reasons: string[] = [];
  // Warm-up (discarded): first-run allocations (JIT, ring growth, uWS buffers) would be billed to run 1.
  await agentFlood(ctx, ctx.warmup, 1, 0, true);
  for (let i = 0; i < reps; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    const pair: Record<string, number> = {};
    for (const stall of order) {
      await sleep(300);
      const run = await agentFlood(ctx, payload, 1, 0, stall);
      verified = checkFlood(ctx, `slow-client run ${i} (${stall ? 'beside a stalled client' : 'alone'})`, run.results, payload.bytes) && verified;
      const rate = run.perClientMBps[0];
      (stall ? beside : alone).push(rate);
      pair[stall ? 'beside' : 'alone'] = rate;
      const rssGrowth = run.memPeak.rss - run.memBefore.rss;
      const entry: Record<string, unknown> = {
        stalledNeighbour: stall,
        fastMBps: round(rate),
        rssBeforeMiB: round(run.memBefore.rss / MiB, 1),
        rssPeakMiB: round(run.memPeak.rss / MiB, 1),
        rssGrowthMiB: round(rssGrowth / MiB, 1),
        heapPeakMiB: round(run.memPeak.heapUsed / MiB, 1),
        externalPeakMiB: round(run.memPeak.external / MiB, 1),
        ...cpuSummary(run.cpu, payload.bytes),
      };
      if (stall && run.stall) {
        entry.stalled = run.stall;
        const held = Number(run.stall.agentBufferedBytes);
        if (!run.stall.recovered || !run.stall.gotSnapshot) {
          bounded = false;
          reasons.push(`run ${i}: the stalled client did not recover with a snapshot`);
        }
        // The agent may hold at most the client's cap plus the frame that crossed it. The estimate also
        // counts what the client's own socket stream had read before it paused (≤ 64 KiB).
        if (Number.isFinite(held) && held > ctx.clientBufferCap + 2 * ctx.maxFrameBytes + 64 * KiB) {
          bounded = false;
          reasons.push(`run ${i}: the agent held ${held} bytes for the stalled client`);
        }
      }
      runs.push(entry);
      ctx.log(`slow client: fast ${rate.toFixed(1)} MB/s ${stall ? 'beside a stalled client' : 'alone'}; RSS +${(rssGrowth / MiB).toFixed(1)} MiB`);
    }
    pairRatios.push(pair.beside / pair.alone);
  }
  // The headline is the median of the per-repetition ratios (each pair measured back to back).
  const ratio = median(pairRatios);
  // RSS: a stalled run must not grow the agent by more than the ring + the client's cap + a frame
  // (+ 16 MiB for GC timing: OUTPUT frames are garbage until the next collection) beyond a solo run.
  const soloGrowth = median(runs.filter((r) => !r.stalledNeighbour).map((r) => Number(r.rssGrowthMiB) * MiB));
  const stalledGrowth = Math.max(...runs.filter((r) => r.stalledNeighbour).map((r) => Number(r.rssGrowthMiB) * MiB));
  const allowance = ctx.ringBytes + ctx.clientBufferCap + ctx.maxFrameBytes + 16 * MiB;
  if (stalledGrowth - soloGrowth > allowance) {
    bounded = false;
    reasons.push(`RSS grew ${round((stalledGrowth - soloGrowth) / MiB, 1)} MiB more than in a solo run`);
  }
  ctx.details.slowClient = {
    payloadMiB: payload.bytes / MiB,
    repetitions: reps,
    aloneMBps: round(median(alone)),
    besideStalledMBps: round(median(beside)),
    aloneMBpsMinMax: [round(Math.min(...alone)), round(Math.max(...alone))],
    besideStalledMBpsMinMax: [round(Math.min(...beside)), round(Math.max(...beside))],
    pairRatios: pairRatios.map((r) => round(r, 3)),
    ratioOfMedians: round(median(beside) / median(alone), 3),
    memoryBounded: bounded,
    memoryProblems: reasons,
    extraRssVsSoloMiB: round((stalledGrowth - soloGrowth) / MiB, 1),
    rssAllowanceMiB: round(allowance / MiB, 1),
    runs,
  };
  return { slowClientFastRatio: round(ratio, 3), bytesVerified: verified };
}

/**
 * S3: 200 idle `bash --norc --noprofile` sessions through the API (≤ 20 at once), in an agent
 * process of its own: agent RSS per session (from /proc), then what one viewer each adds.
 */
export async function idleSessionsScenario(m: MemoryBench): Promise<Headline> {
  const { ctx, agent } = m;
  const count = 200;
  const concurrency = 20;
  const body = sessionBody(ctx, [ctx.bash, '--norc', '--noprofile'], { PS1: 'idle$ ' });
  // Warm-up: the same path once, so first-use allocations (code, pools) are not billed to sessions.
  const warm = await ctx.a.call('createBurst', { count: 10, concurrency: 10, body }, 60_000);
  await sleep(500);
  await ctx.agent.api('GET', '/api/sessions');
  await ctx.a.call('deleteSessions', { ids: warm.ids, concurrency: 10 }, 60_000);
  const before = await stableRss(agent);
  const heapBefore = await agent.memoryUsage();
  const fdsBefore = agent.fds();
  const burst = await ctx.a.call('createBurst', { count, concurrency, body }, 180_000);
  const ids: string[] = burst.ids;
  try {
    if (ids.length !== count) throw new Error(`created ${ids.length} of ${count} sessions: ${burst.failures.join('; ')}`);
    // Settle: every shell printed its prompt, then a quiet moment.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { json } = await ctx.agent.api('GET', '/api/sessions');
      const sessions = (json.sessions as Array<{ id: string; outputBytes: number }>).filter((s) => ids.includes(s.id));
      if (sessions.length === count && sessions.every((s) => s.outputBytes > 0)) break;
      if (Date.now() > deadline) throw new Error('idle sessions did not all print a prompt within 30 s');
      await sleep(100);
    }
    await sleep(ctx.quick ? 1000 : 4000);
    const after = await settledRss(agent);
    const heapAfter = await agent.memoryUsage();
    const fdsAfter = agent.fds();
    const perSession = round((after - before.rss) / count / KiB, 1);
    // Then one idle viewer per session (in client process B): what an attached session costs on top
    // (the server-side screen model, created on the first attach, and the socket).
    const job = `viewers-${++jobSeq}`;
    let attached: Record<string, number> = {};
    try {
      const viewers = await ctx.b.call<{ attached: number }>('attachMany', { job, ids, concurrency }, 120_000);
      await sleep(1000);
      const withViewers = await settledRss(agent);
      attached = { viewers: viewers.attached, rssKiBPerViewer: round((withViewers - after) / viewers.attached / KiB, 1) };
    } finally {
      await ctx.b.call('closeJob', { job }, 60_000).catch(() => undefined);
    }
    ctx.details.idleSessions = {
      count,
      concurrency,
      agent: 'a process of its own (RSS and fds from /proc)',
      rssKiBPerSession: perSession,
      heapUsedKiBPerSession: round((heapAfter.heapUsed - heapBefore.heapUsed) / count / KiB, 1),
      externalKiBPerSession: round((heapAfter.external - heapBefore.external) / count / KiB, 1),
      fdsPerSession: round((fdsAfter - fdsBefore) / count, 2),
      rssBeforeMiB: round(before.rss / MiB, 1),
      rssAfterMiB: round(after / MiB, 1),
      baselineWaitedMs: before.waitedMs,
      createLatencyMs: { p50: round(burst.p50, 1), p99: round(burst.p99, 1), max: round(burst.max, 1), totalMs: round(burst.totalMs, 0) },
      withOneViewerEach: attached,
    };
    ctx.log(`idle sessions: RSS +${perSession} KiB/session`);
    return { idleSessionKiB: perSession };
  } finally {
    // Removal is not measured: more at once (each interactive bash needs the SIGHUP 200 ms after SIGTERM).
    await ctx.a.call('deleteSessions', { ids, concurrency: 50 }, 120_000).catch((error: unknown) => ctx.log(`idle cleanup: ${String(error)}`));
  }
}
