/**
 * Memory and responsiveness as sessions and clients are added (issue 17): the watched-session
 * figure, the 500-session keystroke figure, and the points of `--scale`.
 */
import { performance } from 'node:perf_hooks';
import { KiB, MiB, round, sleep } from './common';
import { printerCommand } from './payloads';
import { settledRss, stableRss } from './agent-process';
import type { MemoryBench } from './memory-agent';
import { CpuMeter, LoopDelay, MachineCpu, settledMemory } from './probes';
import { echoSession, keystrokeRounds, sessionBody, type BenchContext } from './scenarios';

let jobSeq = 0;

/** Create `count` sessions with `command` (≤ 20 at once) and wait until each printed something. */
async function createSessions(ctx: BenchContext, count: number, command: string[], env: Record<string, string> = {}): Promise<string[]> {
  if (count === 0) return [];
  const burst = await ctx.a.call<{ ids: string[]; failures: string[] }>('createBurst', { count, concurrency: 20, body: sessionBody(ctx, command, env) }, 300_000);
  if (burst.ids.length !== count) {
    await removeSessions(ctx, burst.ids);
    throw new Error(`created ${burst.ids.length} of ${count} sessions: ${burst.failures.join('; ')}`);
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { json } = await ctx.agent.api('GET', '/api/sessions');
    const ready = new Set((json.sessions as Array<{ id: string; outputBytes: number }>).filter((s) => s.outputBytes > 0).map((s) => s.id));
    if (burst.ids.every((id) => ready.has(id))) return burst.ids;
    if (Date.now() > deadline) throw new Error(`sessions did not all print within 60 s`);
    await sleep(200);
  }
}

async function removeSessions(ctx: BenchContext, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.a.call('deleteSessions', { ids, concurrency: 50 }, 300_000).catch((error: unknown) => ctx.log(`cleanup: ${String(error)}`));
}

const idleShell = (ctx: BenchContext): string[] => [ctx.bash, '--norc', '--noprofile'];

/**
 * 50 idle shells, one viewer each (client process B, fresh ATTACH with a SNAPSHOT): agent RSS per
 * session, the session and its client together, in an agent process of its own (RSS from /proc).
 * Measured right after the attaches (every session then has a screen model, made for the viewer's
 * snapshot) and once the screen models' idle time (`screenIdleMs`) has passed: the steady state of
 * a watched session, the headline.
 */
export async function watchedSessionsScenario(m: MemoryBench, screenIdleMs: number): Promise<{ watchedSessionKiB: number }> {
  const { ctx, agent } = m;
  const count = 50;
  // Warm-up: the same path once (first-use allocations are not billed to sessions).
  const warm = await createSessions(ctx, 5, idleShell(ctx), { PS1: 'watched$ ' });
  await ctx.b.call('attachMany', { job: 'watched-warm', ids: warm, concurrency: 5 }, 60_000);
  await ctx.b.call('closeJob', { job: 'watched-warm' }, 60_000);
  await removeSessions(ctx, warm);
  // The baseline after the same wait as the steady state: V8's memory reducer hands heap pages
  // back some seconds after a burst (the agent's start-up, the warm-up), which would otherwise be
  // billed as negative cost to the sessions measured next.
  await sleep(screenIdleMs + 1000);
  const before = await stableRss(agent);
  const heapBefore = await agent.memoryUsage();
  const fdsBefore = agent.fds();
  let ids: string[] = [];
  const job = `watched-${++jobSeq}`;
  try {
    ids = await createSessions(ctx, count, idleShell(ctx), { PS1: 'watched$ ' });
    await ctx.b.call('attachMany', { job, ids, concurrency: 10 }, 120_000);
    await sleep(1000);
    const attached = await settledRss(agent);
    await sleep(screenIdleMs + 1000);
    const steady = await settledRss(agent);
    const heap = await agent.memoryUsage();
    const per = (rss: number) => round((rss - before.rss) / count / KiB, 1);
    ctx.details.watchedSessions = {
      count,
      screenIdleMs,
      steadyRssKiB: per(steady),
      justAttachedRssKiB: per(attached),
      steadyHeapUsedKiB: round((heap.heapUsed - heapBefore.heapUsed) / count / KiB, 1),
      steadyHeapTotalKiB: round((heap.heapTotal - heapBefore.heapTotal) / count / KiB, 1),
      steadyExternalKiB: round((heap.external - heapBefore.external) / count / KiB, 1),
      fdsPerSession: round((agent.fds() - fdsBefore) / count, 2),
      rssBeforeMiB: round(before.rss / MiB, 1),
      baselineWaitedMs: before.waitedMs,
      note: 'agent process of its own (RSS from /proc); per session, the session and its one viewer together; steady = after screenIdleMs (the screen models made for the viewers\' snapshots are dropped then); justAttached = 1 s after the attaches',
    };
    ctx.log(`watched sessions: RSS +${per(steady)} KiB/session steady, +${per(attached)} KiB right after attaching`);
    return { watchedSessionKiB: per(steady) };
  } finally {
    await ctx.b.call('closeJob', { job }, 60_000).catch(() => undefined);
    await removeSessions(ctx, ids);
  }
}

export interface ScalePoint {
  sessions: number;
  printing: number;
  clientsOnProbe: number;
  agentRssMiB: number;
  agentCores: number;
  keystrokeP50Ms: number;
  keystrokeP99Ms: number;
  loopP99Ms: number;
  samples: number;
  /** Every process on the machine (other people's jobs included), cores busy during the window. */
  machineBusyCores: number;
}

/**
 * One point: `sessions` shells beside the probed echo session, `printing` of them running the
 * printer with one viewer each (client process B); `extraViewers` more clients on the echo session
 * itself. Client A measures keystroke echo there; the agent's RSS, CPU and loop delay are taken over
 * the same window.
 */
/** Keystroke samples per point: 400 at 10 ms (p99 is the 4th-worst), PINGs beside them. */
const POINT_PLAN = { rounds: 8, perRound: 50, floorPerRound: 10, intervalMs: 10, warmup: 20 };

export async function scalePoint(ctx: BenchContext, sessions: number, printing: number, extraViewers: number): Promise<ScalePoint> {
  const idle: string[] = [];
  const printers: string[] = [];
  let echoId: string | null = null;
  const viewers = `scale-viewers-${++jobSeq}`;
  const watchers = `scale-watchers-${jobSeq}`;
  try {
    printers.push(...(await createSessions(ctx, printing, printerCommand(ctx.bash))));
    idle.push(...(await createSessions(ctx, sessions - printing, idleShell(ctx), { PS1: 'idle$ ' })));
    echoId = await echoSession(ctx);
    if (printers.length > 0) await ctx.b.call('attachMany', { job: watchers, ids: printers, concurrency: 10 }, 120_000);
    if (extraViewers > 0) await ctx.b.call('attachMany', { job: viewers, ids: Array.from({ length: extraViewers }, () => echoId), concurrency: 10 }, 120_000);
    await sleep(1000);
    const loop = new LoopDelay().start();
    const cpu = new CpuMeter().start();
    const machine = new MachineCpu().start();
    const t0 = performance.now();
    const r = await keystrokeRounds(ctx, echoId, false, POINT_PLAN);
    const wallMs = performance.now() - t0;
    const machineCores = machine.busyMs() / wallMs;
    const cores = cpu.ms() / wallMs;
    const loopStats = loop.stop();
    const mem = await settledMemory(3);
    if (r.keystroke.timeouts > 0) ctx.correctness.push(`scale point ${sessions}/${printing}/${extraViewers}: ${r.keystroke.timeouts} keystrokes never echoed`);
    return {
      sessions,
      printing,
      clientsOnProbe: 1 + extraViewers,
      agentRssMiB: round(mem.rss / MiB, 1),
      agentCores: round(cores, 3),
      keystrokeP50Ms: r.keystroke.p50,
      keystrokeP99Ms: r.keystroke.p99,
      loopP99Ms: loopStats.p99Ms,
      samples: r.keystroke.samples,
      machineBusyCores: round(machineCores, 2),
    };
  } finally {
    await ctx.b.call('closeJob', { job: viewers }, 60_000).catch(() => undefined);
    await ctx.b.call('closeJob', { job: watchers }, 60_000).catch(() => undefined);
    if (echoId) await ctx.agent.removeSession(echoId).catch(() => undefined);
    await removeSessions(ctx, [...printers, ...idle]);
  }
}

/**
 * Keystroke p99 in a watched session while 10 % of the others print (each with a viewer): 500
 * sessions in a full run, 100 in `--quick` (said so in `keystrokeP99At500SessionsScale`).
 */
export async function manySessionsScenario(ctx: BenchContext): Promise<{ keystrokeP99At500SessionsMs: number }> {
  const sessions = ctx.quick ? 100 : 500;
  const point = await scalePoint(ctx, sessions, sessions / 10, 0);
  ctx.details.manySessions = { ...point, scale: ctx.quick ? 'quick: 100 sessions, 10 printing (the full run measures 500 with 50 printing)' : '500 sessions, 50 printing' };
  ctx.log(`${sessions} sessions (${sessions / 10} printing): keystroke p99 ${point.keystrokeP99Ms} ms, agent ${point.agentCores} cores, RSS ${point.agentRssMiB} MiB`);
  return { keystrokeP99At500SessionsMs: point.keystrokeP99Ms };
}


