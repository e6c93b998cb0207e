/**
 * TunnelForge benchmarks (issue 3 §6, performance.md §C.3): `npm run bench [-- --quick] [-- --json]`.
 *
 * The real agent runs in THIS process (createAgent: real kernel, every built-in plugin, uWS on
 * 127.0.0.1:0, real PTYs). WebSocket clients run in two forked client processes
 * (bench/client-process.ts), never on the agent's event loop. Every number is measured in this run;
 * the flood and slow-client numbers are ratios against baselines measured alongside, because the
 * machine is shared.
 *
 * stdout: the results table, or with `--json` exactly one JSON object. Everything else → stderr.
 * Exit code: 0 (bars are measurements), 1 when correctness fails (a flood client did not get every
 * byte in order with the right sha256 — corrupted, or skipped after a resync —, an echo is lost, a
 * late joiner's screen is wrong) or a scenario crashes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionsConfig } from '../src/sessions/sessions-config';
import { startAgentHost, type AgentHost } from './agent-host';
import { ClientProcess } from './client-pool';
import { MiB, round, sleep, withTimeout } from './common';
import { MachineCpu } from './probes';
import { sessionHostScenario, type HostHeadline } from './host-scenario';
import { detectionScenario, watchScenario, type StateHeadline } from './state-scenario';
import { hostileNeighbourScenario } from './hostile-neighbour-scenario';
import { makeFloodPayload } from './payloads';
import { SCALE_CLIENTS, SCALE_SESSIONS, scaleRun, type ScaleResult } from './scale-run';
import { withMemoryAgent } from './memory-agent';
import { manySessionsScenario, watchedSessionsScenario } from './session-scale';
import {
  fanoutScenario, floodScenario, idleSessionsScenario, keystrokeScenario, keystrokeUnderFloodScenario, lateJoinScenario,
  slowClientScenario, type BenchContext, type Headline,
} from './scenarios';

const SCENARIOS = ['idle', 'watched', 'flood', 'fanout', 'keystroke', 'keystroke-flood', 'latejoin', 'slow', 'many', 'hostile', 'detect', 'watch', 'host'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Options {
  quick: boolean;
  json: boolean;
  only: Set<ScenarioName>;
  logLevel: 'warn' | 'error' | 'silent' | 'info' | 'debug';
  /** Investigation knobs (results with them are not comparable with the bars): */
  /** plugins to disable (`plugins.<id>.enabled = false`). */
  disablePlugins: string[];
  /** Overrides of the sessions config (`plugins.core-sessions.options`), JSON. */
  sessionsConfig: Record<string, unknown>;
  /** Keystroke clients attach with `offset: 0` (resume path: no SNAPSHOT, no server screen model). */
  keystrokeResume: boolean;
  /** Before each scenario, wait up to this many seconds for the machine to be quiet (other work < 0.3 cores). */
  waitQuietS: number;
  /** Also write the JSON object to this file. */
  out: string | null;
  /** `--scale`: the scaling run instead of the scenarios (issue 17 §4). */
  scale: boolean;
  /** Where `--scale` writes its SVG. */
  svg: string;
}

/** Pause between scenarios: what one tears down (200 shells, 50 sockets) finishes before the next. */
const SETTLE_MS = 300;

/**
 * Start every scenario with the client processes' garbage collected (they run with --expose-gc):
 * their timestamps should not include collecting what a previous scenario left (the fan-out's 50
 * clients' frames). The agent's heap is left alone: its garbage is part of what it costs.
 */
async function settleClients(clients: ClientProcess[]): Promise<void> {
  await sleep(SETTLE_MS);
  await Promise.all(clients.map((client) => client.call('settle', {}, 10_000)));
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, json: false, only: new Set(SCENARIOS), logLevel: 'warn', disablePlugins: [], sessionsConfig: {}, keystrokeResume: false, waitQuietS: 0, out: null, scale: false, svg: 'bench/scale.svg' };
  for (const arg of argv) {
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',').map((s) => s.trim()).filter(Boolean);
      for (const name of names) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.join(', ')}`);
      options.only = new Set(names as ScenarioName[]);
    } else if (arg.startsWith('--log-level=')) options.logLevel = arg.slice('--log-level='.length) as Options['logLevel'];
    else if (arg.startsWith('--disable-plugins=')) options.disablePlugins = arg.slice('--disable-plugins='.length).split(',').filter(Boolean);
    else if (arg.startsWith('--sessions-config=')) options.sessionsConfig = JSON.parse(arg.slice('--sessions-config='.length)) as Record<string, unknown>;
    else if (arg === '--keystroke-resume') options.keystrokeResume = true;
    else if (arg.startsWith('--wait-quiet=')) options.waitQuietS = Number(arg.slice('--wait-quiet='.length));
    else if (arg.startsWith('--out=')) options.out = arg.slice('--out='.length);
    else if (arg === '--scale') options.scale = true;
    else if (arg.startsWith('--svg=')) options.svg = arg.slice('--svg='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stderr.write(`usage: node dist/bench/run.js [--quick] [--json] [--only=${SCENARIOS.join(',')}] [--log-level=warn] [--wait-quiet=SECONDS] [--out=FILE.json]\n` +
        `scaling run: --scale [--svg=bench/scale.svg] (sessions ${SCALE_SESSIONS.join(', ')}; clients ${SCALE_CLIENTS.join(', ')})\n` +
        `investigation (not for the results table): [--disable-plugins=id,...] [--sessions-config='{"coalesceMs":0}'] [--keystroke-resume]\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

function machineInfo(): Record<string, unknown> {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1].trim();
  } catch {
    /* not Linux */
  }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    node: process.version,
    cpuModel,
    kernel: `${os.type()} ${os.release()}`,
    totalMemMiB: Math.round(os.totalmem() / MiB),
    loadavgAtStart: os.loadavg().map((l) => round(l, 2)),
  };
}

/**
 * Cores busy on the machine over one second (0.3 s without a wait budget) (everything: other users' jobs included). With a wait
 * budget, keep measuring until it is below 0.3 cores or the budget is spent. Returns the last value.
 */
async function waitQuiet(budgetS: number): Promise<number> {
  const deadline = Date.now() + budgetS * 1000;
  const windowMs = budgetS > 0 ? 1000 : 300;
  for (;;) {
    const cpu = new MachineCpu().start();
    await sleep(windowMs);
    const busy = round(cpu.busyMs() / windowMs, 2);
    if (busy < 0.3 || Date.now() >= deadline) return busy;
  }
}

function findBash(): string {
  for (const candidate of ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash']) if (existsSync(candidate)) return candidate;
  throw new Error('bash not found');
}

interface Bar {
  key: string;
  label: string;
  value: unknown;
  bar: string;
  pass: boolean | null;
}

function bars(h: Headline, details: Record<string, any>): Bar[] {
  const kib = 1024;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
  const check = (v: unknown, ok: (x: number) => boolean): boolean | null => (Number.isFinite(num(v)) ? ok(num(v)) : null);
  const slow = details.slowClient as { memoryBounded?: boolean } | undefined;
  return [
    { key: 'rawPtyMBps', label: 'raw node-pty read in process (figure)', value: h.rawPtyMBps, bar: '-', pass: null },
    { key: 'floodMBps', label: 'flood, 1 WebSocket client', value: h.floodMBps, bar: '-', pass: null },
    { key: 'floodRatio', label: 'flood / raw node-pty in process (figure)', value: h.floodRatio, bar: '-', pass: null },
    { key: 'floodRatioToForwarder', label: 'flood / simplest forwarder (node-pty -> TCP)', value: h.floodRatioToForwarder, bar: '>= 0.95', pass: check(h.floodRatioToForwarder, (x) => x >= 0.95) },
    { key: 'cpuPerMBRatioToBareReader', label: 'agent CPU per MB / bare reader (node-pty, separate process)', value: h.cpuPerMBRatioToBareReader, bar: '<= 1.25', pass: check(h.cpuPerMBRatioToBareReader, (x) => x <= 1.25) },
    { key: 'fanout50AggregateMBps', label: 'fan-out 1 session x 50 clients (aggregate MB/s)', value: h.fanout50AggregateMBps, bar: '-', pass: null },
    { key: 'fanoutResyncedShare', label: 'fan-out 20 clients: share resynced (fell out of the ring)', value: h.fanoutResyncedShare, bar: '-', pass: null },
    { key: 'keystrokeP50Ms', label: 'keystroke round trip p50 (ms)', value: h.keystrokeP50Ms, bar: '-', pass: null },
    { key: 'keystrokeP50OverBareMs', label: 'keystroke p50 minus bare node-pty echo p50 (ms)', value: h.keystrokeP50OverBareMs, bar: '<= 0.2', pass: check(h.keystrokeP50OverBareMs, (x) => x <= 0.2) },
    { key: 'keystrokeP99Ms', label: 'keystroke round trip p99 (ms)', value: h.keystrokeP99Ms, bar: '<= 2', pass: check(h.keystrokeP99Ms, (x) => x <= 2) },
    { key: 'keystrokeP99UnderFloodMs', label: 'keystroke p99 beside a flood (ms)', value: h.keystrokeP99UnderFloodMs, bar: '<= 15', pass: check(h.keystrokeP99UnderFloodMs, (x) => x <= 15) },
    { key: 'keystrokeP99At500SessionsMs', label: `keystroke p99 among ${details.manySessions?.sessions ?? 500} sessions, 10 % printing (ms)`, value: h.keystrokeP99At500SessionsMs, bar: '<= 5', pass: check(h.keystrokeP99At500SessionsMs, (x) => x <= 5) },
    { key: 'keystrokeP99UnderAbuseMs', label: 'keystroke p99 beside a hostile neighbour (ms)', value: h.keystrokeP99UnderAbuseMs, bar: '<= 15', pass: check(h.keystrokeP99UnderAbuseMs, (x) => x <= 15) },
    { key: 'keystrokeMaxUnderAbuseMs', label: 'keystroke max beside a hostile neighbour (ms)', value: h.keystrokeMaxUnderAbuseMs, bar: '<= 50', pass: check(h.keystrokeMaxUnderAbuseMs, (x) => x <= 50) },
    { key: 'lateJoinBytes', label: 'late joiner after 10 MiB, bytes (cold, worst of 2)', value: h.lateJoinBytes, bar: '< 262144', pass: check(h.lateJoinBytes, (x) => x < 256 * kib) },
    { key: 'lateJoinMs', label: 'late joiner, ms to usable screen (cold, worst of 2)', value: h.lateJoinMs, bar: '< 50', pass: check(h.lateJoinMs, (x) => x < 50) },
    { key: 'lateJoinCold2Ms', label: 'late joiner, ms (cold, 2nd in process)', value: details.lateJoin?.cold2?.ms, bar: '< 50', pass: check(details.lateJoin?.cold2?.ms, (x) => x < 50) },
    { key: 'lateJoinWarmBytes', label: 'late joiner, bytes (warm: a watcher attached)', value: details.lateJoin?.warm?.bytes, bar: '< 262144', pass: check(details.lateJoin?.warm?.bytes, (x) => x < 256 * kib) },
    { key: 'lateJoinWarmMs', label: 'late joiner, ms (warm: a watcher attached)', value: details.lateJoin?.warm?.ms, bar: '< 50', pass: check(details.lateJoin?.warm?.ms, (x) => x < 50) },
    { key: 'slowClientFastRatio', label: 'fast client beside a stalled one / alone', value: h.slowClientFastRatio, bar: '>= 0.90', pass: check(h.slowClientFastRatio, (x) => x >= 0.9) },
    { key: 'slowClientMemoryBounded', label: 'agent memory bounded with a stalled client', value: slow?.memoryBounded, bar: 'true', pass: slow === undefined ? null : slow.memoryBounded === true },
    { key: 'watchedSessionKiB', label: '50 idle sessions, 1 client each: agent RSS per session (KiB)', value: h.watchedSessionKiB, bar: '<= 64', pass: check(h.watchedSessionKiB, (x) => x >= 0 && x <= 64) }, // below 0: RSS fell under its baseline meanwhile, no measurement
    { key: 'idleSessionKiB', label: '200 idle sessions, no client: agent RSS per session (KiB)', value: h.idleSessionKiB, bar: '<= 48', pass: check(h.idleSessionKiB, (x) => x <= 48) },
    { key: 'bytesVerified', label: 'every flood byte verified (sha256; resynced fan-out clients: none wrong)', value: h.bytesVerified, bar: 'true', pass: h.bytesVerified === undefined ? null : h.bytesVerified === true },
  ];
}

function hostBars(h: HostHeadline): Bar[] {
  const check = (v: unknown, ok: (x: number) => boolean): boolean | null => (typeof v === 'number' && Number.isFinite(v) ? ok(v) : null);
  return [
    { key: 'hostFloodRatio', label: 'session host: flood, hosted / in-process', value: h.hostFloodRatio, bar: '>= 0.90', pass: check(h.hostFloodRatio, (x) => x >= 0.9) },
    { key: 'hostKeystrokeP50Ratio', label: 'session host: keystroke p50, hosted / in-process', value: h.hostKeystrokeP50Ratio, bar: '<= 1.20', pass: check(h.hostKeystrokeP50Ratio, (x) => x <= 1.2) },
    { key: 'hostKeystrokeP99Ratio', label: 'session host: keystroke p99, hosted / in-process', value: h.hostKeystrokeP99Ratio, bar: '<= 1.20', pass: check(h.hostKeystrokeP99Ratio, (x) => x <= 1.2) },
    { key: 'hostKeystrokeP50ExtraMs', label: 'session host: keystroke p50, hosted minus in-process (ms)', value: h.hostKeystrokeP50ExtraMs, bar: '-', pass: null },
    { key: 'processRoundTripP50Ms', label: 'floor: one byte to another process and back, p50 (ms)', value: h.processRoundTripP50Ms, bar: '-', pass: null },
    { key: 'hostLateJoinBytesRatio', label: 'session host: late join bytes, hosted / in-process', value: h.hostLateJoinBytesRatio, bar: '<= 1.05', pass: check(h.hostLateJoinBytesRatio, (x) => x <= 1.05) },
    { key: 'hostLateJoinMsRatio', label: 'session host: late join ms, hosted / in-process', value: h.hostLateJoinMsRatio, bar: '-', pass: null },
    { key: 'hostIdleSessionKiB', label: 'session host: idle session, agent heap+ext + host RSS (KiB)', value: h.hostIdleSessionKiB, bar: '-', pass: null },
    { key: 'inProcessIdleSessionKiB', label: 'in-process: idle session, agent RSS (KiB)', value: h.inProcessIdleSessionKiB, bar: '-', pass: null },
    { key: 'adoptMs', label: 'adopt 50 sessions: agent start to all attached (ms)', value: h.adoptMs, bar: '-', pass: null },
  ];
}

function stateBars(h: StateHeadline): Bar[] {
  const check = (v: unknown, ok: (x: number) => boolean): boolean | null => (typeof v === 'number' && Number.isFinite(v) ? ok(v) : null);
  return [
    { key: 'detectionFloodRatio', label: 'state detection: flood, on / off', value: h.detectionFloodRatio, bar: '>= 0.97', pass: check(h.detectionFloodRatio, (x) => x >= 0.97) },
    { key: 'detectionAnsiFloodRatio', label: 'state detection: ANSI/title/bell flood, on / off', value: h.detectionAnsiFloodRatio, bar: '>= 0.97', pass: check(h.detectionAnsiFloodRatio, (x) => x >= 0.97) },
    { key: 'detectionCpuShare', label: 'state detection: its CPU / agent CPU per flood MB', value: h.detectionCpuShare, bar: '<= 0.03', pass: check(h.detectionCpuShare, (x) => x <= 0.03) },
    { key: 'detectionAnsiCpuShare', label: 'state detection: the same, ANSI/title/bell flood', value: h.detectionAnsiCpuShare, bar: '-', pass: null },
    { key: 'watch50BaselineCores', label: '50 printing sessions, nobody watching: agent cores', value: h.watch50BaselineCores, bar: '-', pass: null },
    { key: 'watch50WatchedCores', label: '50 printing sessions, one WATCH client: agent cores', value: h.watch50WatchedCores, bar: '-', pass: null },
    { key: 'watch50PreviewsPerS', label: 'WATCH client: previews per second', value: h.watch50PreviewsPerS, bar: '-', pass: null },
    { key: 'watch50PreviewKBps', label: 'WATCH client: preview KiB per second', value: h.watch50PreviewKBps, bar: '-', pass: null },
    { key: 'watch50SessionsPreviewed', label: 'WATCH client: sessions previewed in the last window (of 50)', value: h.watch50SessionsPreviewed, bar: '= 50', pass: check(h.watch50SessionsPreviewed, (x) => x === 50) },
  ];
}

function table(rows: Bar[]): string {
  const cells = rows.map((r) => [r.label, r.value === undefined ? 'n/a' : String(r.value), r.bar, r.pass === null ? (r.bar === '-' ? '' : 'n/a') : r.pass ? 'PASS' : 'FAIL']);
  const header = ['scenario', 'value', 'bar', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 1 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const machine = machineInfo();
  const sessionsConfig = SessionsConfig.parse({ ...options.sessionsConfig, maxSessions: 600 });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tfbench-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  const children: ClientProcess[] = [];
  let agent: AgentHost | null = null;
  const runCleanup = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    rmSync(tmp, { recursive: true, force: true });
  };
  // Every run is bounded: a stuck scenario ends the run (with cleanup) instead of hanging.
  const budgetMs = (options.scale ? 2_400_000 : options.quick ? 480_000 : 1_200_000) + options.waitQuietS * 1000 * SCENARIOS.length;
  const watchdog = setTimeout(() => {
    log(`watchdog: the run exceeded ${budgetMs / 1000} s; cleaning up and exiting`);
    for (const child of children) child.kill();
    withTimeout(runCleanup(), 20_000, 'cleanup').finally(() => process.exit(1));
  }, budgetMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      for (const child of children) child.kill();
      withTimeout(runCleanup(), 20_000, 'cleanup').finally(() => process.exit(130));
    });
  }

  const headline: Headline = {};
  let scale: ScaleResult | null = null;
  const hostHeadline: HostHeadline = {};
  const stateHeadline: StateHeadline = {};
  const details: Record<string, unknown> = {};
  const correctness: string[] = [];
  const crashes: Array<{ scenario: string; error: string }> = [];
  let plugins: string[] = [];
  try {
    log(`${options.scale ? 'scale' : options.quick ? 'quick' : 'full'} run; ${options.scale ? '' : `scenarios: ${[...options.only].join(', ')}; `}temp dir ${tmp}`);
    const floodBytes = options.quick ? 32 * MiB : 128 * MiB;
    const flood = makeFloodPayload(tmp, floodBytes);
    const warmup = makeFloodPayload(tmp, 4 * MiB);
    const fanoutPayload = options.quick ? makeFloodPayload(tmp, 8 * MiB) : makeFloodPayload(tmp, 32 * MiB);
    const slowPayload = options.quick ? flood : makeFloodPayload(tmp, 64 * MiB);
    agent = await startAgentHost({
      dataDir: path.join(tmp, 'data'),
      logLevel: options.logLevel,
      // The streaming engine with the PTYs in the agent (comparable across runs); the `host`
      // scenario measures the shipped default, the session host, against it.
      // Creates unlimited: the scale scenarios create hundreds of sessions with one credential; the
      // hostile scenario runs its own agent with the shipped create limit.
      sessions: { mode: 'in-process', createRateLimit: { creates: 0 }, ...options.sessionsConfig, maxSessions: sessionsConfig.maxSessions },
      disablePlugins: options.disablePlugins,
    });
    const host = agent;
    cleanups.push(() => host.stop());
    plugins = host.plugins;
    log(`agent listening at ${host.endpoint.httpUrl}; active plugins: ${plugins.join(', ')}`);
    const a = await ClientProcess.start('client-A', host.endpoint);
    children.push(a);
    cleanups.push(() => a.stop());
    const b = await ClientProcess.start('client-B', host.endpoint);
    children.push(b);
    cleanups.push(() => b.stop());
    log(`client processes: A pid ${a.pid}, B pid ${b.pid}`);
    const ctx: BenchContext = {
      quick: options.quick,
      agent: host,
      a,
      b,
      bash: findBash(),
      tmp,
      flood,
      warmup,
      ringBytes: sessionsConfig.ringBytes,
      clientBufferCap: sessionsConfig.clientBufferCap,
      maxFrameBytes: sessionsConfig.maxFrameBytes,
      keystrokeResume: options.keystrokeResume,
      sessionsConfig: options.sessionsConfig,
      logLevel: options.logLevel,
      log,
      details,
      correctness,
    };
    if (options.scale) {
      log(`--- scale (machine busy before: ${await waitQuiet(options.waitQuietS)} cores)`);
      scale = await scaleRun(ctx, options.svg, `${String(machine.date).slice(0, 16)} UTC, ${machine.nproc} cores (${machine.cpuModel}), Node ${process.version}; agent in process, clients in 2 other processes`);
      log(`scale: SVG written to ${options.svg}`);
    }
    const plan: Array<[ScenarioName, () => Promise<Headline>]> = options.scale ? [] : [
      // Idle sessions first: the memory baseline is cleanest before the floods. Idle keystrokes
      // next, before the floods: an "idle" agent is not one still tearing down a 50-client fan-out.
      // Watched sessions first of all: their baseline is the freshly started agent (after a scenario
      // that tore down hundreds of sessions, RSS keeps shrinking for a while and skews a delta).
      // Memory: each in an agent process of its own (bench/memory-agent.ts), RSS read from /proc.
      ['watched', () => withMemoryAgent(ctx, 'watched', (m) => watchedSessionsScenario(m, sessionsConfig.screenIdleMs))],
      ['idle', () => withMemoryAgent(ctx, 'idle', (m) => idleSessionsScenario(m))],
      ['keystroke', () => keystrokeScenario(ctx)],
      ['flood', () => floodScenario(ctx)],
      ['fanout', async () => {
        // 20 clients: the resynced share (issue 17); 50: the aggregate rate (issue 3).
        const twenty = await fanoutScenario(ctx, fanoutPayload, 20);
        await settleClients([ctx.a, ctx.b]);
        const fifty = await fanoutScenario(ctx, fanoutPayload, 50);
        const aggregate = (ctx.details.fanout as Record<string, { aggregateMBps: number }>).clients50.aggregateMBps;
        return { fanoutResyncedShare: twenty.share, fanout50AggregateMBps: aggregate, bytesVerified: twenty.headline.bytesVerified! && fifty.headline.bytesVerified! };
      }],
      ['keystroke-flood', () => keystrokeUnderFloodScenario(ctx)],
      ['latejoin', () => lateJoinScenario(ctx)],
      ['slow', () => slowClientScenario(ctx, slowPayload)],
      ['many', () => manySessionsScenario(ctx)],
      // Last: what the abuse leaves behind (sessions being removed, a big RSS) must not skew the others.
      ['hostile', () => hostileNeighbourScenario(ctx)],
      // Session state (issue 13): detection on vs off (a second agent beside this one), and one client watching 50 sessions.
      ['detect', async () => {
        Object.assign(stateHeadline, await detectionScenario(ctx));
        return {};
      }],
      ['watch', async () => {
        Object.assign(stateHeadline, await watchScenario(ctx));
        return {};
      }],
      // Last: it starts a second agent (sessions in the session host) beside this one.
      ['host', async () => {
        Object.assign(hostHeadline, await sessionHostScenario(ctx));
        return {};
      }],
    ];
    for (const [name, run] of plan) {
      if (!options.only.has(name)) continue;
      await settleClients([ctx.a, ctx.b]);
      const quiet = await waitQuiet(options.waitQuietS);
      ((details.machineBusyCoresBefore ??= {}) as Record<string, number>)[name] = quiet;
      const t0 = Date.now();
      log(`--- ${name} (machine busy before: ${quiet} cores of ${os.availableParallelism()})`);
      try {
        const result = await run();
        // bytesVerified is the AND over every flood scenario.
        const { bytesVerified, ...rest } = result;
        Object.assign(headline, rest);
        if (bytesVerified !== undefined) headline.bytesVerified = (headline.bytesVerified ?? true) && bytesVerified;
      } catch (error) {
        crashes.push({ scenario: name, error: (error as Error)?.stack ?? String(error) });
        log(`${name} CRASHED: ${(error as Error)?.stack ?? String(error)}`);
        await agent.removeAll().catch(() => undefined);
      }
      (details.durationsS as Record<string, number> | undefined) ?? (details.durationsS = {});
      (details.durationsS as Record<string, number>)[name] = round((Date.now() - t0) / 1000, 1);
    }
  } catch (error) {
    crashes.push({ scenario: 'setup', error: (error as Error)?.stack ?? String(error) });
    log(`setup failed: ${(error as Error)?.stack ?? String(error)}`);
  } finally {
    await runCleanup();
    clearTimeout(watchdog);
  }

  machine.loadavgAtEnd = os.loadavg().map((l) => round(l, 2));
  const rows = [...bars(headline, details), ...hostBars(hostHeadline), ...stateBars(stateHeadline)];
  const output = {
    floodMBps: headline.floodMBps ?? null,
    rawPtyMBps: headline.rawPtyMBps ?? null,
    floodRatio: headline.floodRatio ?? null,
    floodRatioToForwarder: headline.floodRatioToForwarder ?? null,
    cpuPerMBRatioToBareReader: headline.cpuPerMBRatioToBareReader ?? null,
    fanoutResyncedShare: headline.fanoutResyncedShare ?? null,
    fanout50AggregateMBps: headline.fanout50AggregateMBps ?? null,
    keystrokeP50Ms: headline.keystrokeP50Ms ?? null,
    keystrokeP50OverBareMs: headline.keystrokeP50OverBareMs ?? null,
    keystrokeP99Ms: headline.keystrokeP99Ms ?? null,
    keystrokeP99UnderFloodMs: headline.keystrokeP99UnderFloodMs ?? null,
    keystrokeP99At500SessionsMs: headline.keystrokeP99At500SessionsMs ?? null,
    keystrokeP99At500SessionsScale: (details.manySessions as { scale?: string } | undefined)?.scale ?? null,
    keystrokeP99UnderAbuseMs: headline.keystrokeP99UnderAbuseMs ?? null,
    keystrokeMaxUnderAbuseMs: headline.keystrokeMaxUnderAbuseMs ?? null,
    lateJoinBytes: headline.lateJoinBytes ?? null,
    lateJoinMs: headline.lateJoinMs ?? null,
    slowClientFastRatio: headline.slowClientFastRatio ?? null,
    idleSessionKiB: headline.idleSessionKiB ?? null,
    watchedSessionKiB: headline.watchedSessionKiB ?? null,
    bytesVerified: headline.bytesVerified ?? null,
    hostFloodRatio: hostHeadline.hostFloodRatio ?? null,
    hostKeystrokeP50Ratio: hostHeadline.hostKeystrokeP50Ratio ?? null,
    hostKeystrokeP99Ratio: hostHeadline.hostKeystrokeP99Ratio ?? null,
    hostKeystrokeP50ExtraMs: hostHeadline.hostKeystrokeP50ExtraMs ?? null,
    processRoundTripP50Ms: hostHeadline.processRoundTripP50Ms ?? null,
    hostLateJoinBytesRatio: hostHeadline.hostLateJoinBytesRatio ?? null,
    hostLateJoinMsRatio: hostHeadline.hostLateJoinMsRatio ?? null,
    hostIdleSessionKiB: hostHeadline.hostIdleSessionKiB ?? null,
    inProcessIdleSessionKiB: hostHeadline.inProcessIdleSessionKiB ?? null,
    adoptMs: hostHeadline.adoptMs ?? null,
    detectionFloodRatio: stateHeadline.detectionFloodRatio ?? null,
    detectionAnsiFloodRatio: stateHeadline.detectionAnsiFloodRatio ?? null,
    detectionCpuShare: stateHeadline.detectionCpuShare ?? null,
    detectionAnsiCpuShare: stateHeadline.detectionAnsiCpuShare ?? null,
    watch50BaselineCores: stateHeadline.watch50BaselineCores ?? null,
    watch50WatchedCores: stateHeadline.watch50WatchedCores ?? null,
    watch50PreviewsPerS: stateHeadline.watch50PreviewsPerS ?? null,
    watch50PreviewKBps: stateHeadline.watch50PreviewKBps ?? null,
    watch50SessionsPreviewed: stateHeadline.watch50SessionsPreviewed ?? null,
    quick: options.quick,
    scale: scale === null ? null : { svg: options.svg, ...scale },
    machine: { ...machine, nodeVersion: process.version },
    durationS: round((Date.now() - started) / 1000, 1),
    bars: Object.fromEntries(rows.filter((r) => r.bar !== '-').map((r) => [r.key, { value: r.value ?? null, bar: r.bar, pass: r.pass }])),
    correct: correctness.length === 0 && crashes.length === 0,
    correctnessProblems: correctness,
    crashes,
    agent: {
      plugins,
      sessionsConfig: { ringBytes: sessionsConfig.ringBytes, clientBufferCap: sessionsConfig.clientBufferCap, coalesceMs: sessionsConfig.coalesceMs, maxFrameBytes: sessionsConfig.maxFrameBytes, maxSessions: sessionsConfig.maxSessions },
    },
    investigationKnobs: options.disablePlugins.length > 0 || Object.keys(options.sessionsConfig).length > 0 || options.keystrokeResume
      ? { disablePlugins: options.disablePlugins, sessionsConfig: options.sessionsConfig, keystrokeResume: options.keystrokeResume }
      : null,
    clients: 'two forked Node child processes (bench/client-process.js), ws 8 clients, no Origin header, Bearer local token',
    details,
  };
  const text = table(rows);
  if (options.out) writeFileSync(options.out, JSON.stringify(output, null, 2) + '\n');
  if (options.json) {
    process.stderr.write(`\n${text}\n\n`);
    process.stdout.write(JSON.stringify(output) + '\n');
  } else {
    process.stdout.write(`\nTunnelForge benchmarks (${options.quick ? 'quick' : 'full'}) — ${machine.date}, nproc ${machine.nproc}, Node ${process.version}, ${machine.cpuModel}\n\n${text}\n\n`);
    if (correctness.length > 0) process.stdout.write(`correctness problems:\n${correctness.map((c) => `  - ${c}`).join('\n')}\n`);
    if (crashes.length > 0) process.stdout.write(`crashed scenarios:\n${crashes.map((c) => `  - ${c.scenario}: ${c.error.split('\n')[0]}`).join('\n')}\n`);
    process.stdout.write(`details (also with --json):\n${JSON.stringify(details, null, 2)}\n`);
  }
  return correctness.length === 0 && crashes.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    // Let stdout drain, then exit (node-pty or uWS handles must not keep a finished run alive).
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    log(`fatal: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
