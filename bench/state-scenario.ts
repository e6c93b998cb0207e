import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAgentHost, type AgentHost } from './agent-host';
import { median, round, sleep } from './common';
import type { FloodPayload } from './payloads';
import { CpuMeter } from './probes';
import { SystemClock } from '../src/kernel/core/system-clock';
import { SessionStateTracker } from '../src/sessions/session-state-tracker';
import { agentFlood, checkFlood, COLS, ROWS, type BenchContext } from './scenarios';

/** What the session state scenarios report (issue 13: detection off the hot path, one socket for many sessions). */
export type StateHeadline = Partial<{
  /** Flood MB/s with detection on / off, same run, pairs alternated, median of the pair ratios. */
  detectionFloodRatio: number;
  /** The same with a payload full of colour sequences, titles and bells (the parser's slow paths). */
  detectionAnsiFloodRatio: number;
  /**
   * Detection's own CPU per MB (the output path's one call, measured in this process, best of 7)
   * over the agent's CPU per MB for the same flood with detection off (this run): the share of the
   * agent's work that detection adds, steadier than throughput on a loaded machine.
   */
  detectionCpuShare: number;
  detectionAnsiCpuShare: number;
  /** Agent CPU (cores) while 50 sessions print, with nobody watching. */
  watch50BaselineCores: number;
  /** ... and with one client watching all 50 (WATCH all, previews on). */
  watch50WatchedCores: number;
  /** Previews the watching client received per second, and how many of the 50 sessions they covered. */
  watch50PreviewsPerS: number;
  watch50PreviewKBps: number;
  watch50SessionsPreviewed: number;
}>;

/**
 * A flood payload that keeps the state parser busy: the base64 flood with an SGR colour every 64
 * bytes, an OSC 0 title every 4 KiB and a BEL every 16 KiB (no `\n`: no ONLCR expansion, the bytes
 * arrive as written and are hashed like the plain flood).
 */
export function makeAnsiFloodPayload(dir: string, bytes: number): FloodPayload {
  const plain = randomBytes(Math.ceil((bytes * 3) / 4) + 3).toString('base64');
  const parts: string[] = [];
  let size = 0;
  for (let at = 0, n = 0; size < bytes; at += 64, n++) {
    let piece = `\x1b[3${n % 8}m${plain.slice(at % (plain.length - 64), (at % (plain.length - 64)) + 64)}`;
    if (n % 64 === 0) piece += `\x1b]0;flood title ${n}\x07`;
    if (n % 256 === 0) piece += '\x07';
    parts.push(piece);
    size += piece.length;
  }
  const data = Buffer.from(parts.join('').slice(0, bytes), 'latin1');
  const file = path.join(dir, `flood-ansi-${bytes}.txt`);
  writeFileSync(file, data);
  return { file, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** ms of CPU per MB for SessionStateTracker.onOutput over `file` in chunks of `chunkBytes` (best of `reps`). */
export function detectionMsPerMB(file: string, chunkBytes: number, reps = 7): number {
  const data = readFileSync(file);
  const clock = new SystemClock();
  let best = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const noop = () => undefined;
    const tracker = new SessionStateTracker(
      { activityWindowMs: 60_000, commandMinDurationMs: 5000, bellIntervalMs: 1000, foregroundPollMs: 1000, maxTitleChars: 256 },
      clock, null, () => null, { title: noop, bell: noop, activity: noop, commandFinished: noop },
    );
    const t0 = performance.now();
    for (let at = 0; at < data.length; at += chunkBytes) tracker.onOutput(data.subarray(at, at + chunkBytes));
    best = Math.min(best, performance.now() - t0);
    tracker.dispose();
  }
  return best / (data.length / 1e6);
}

/**
 * Flood throughput through the agent with state detection on (this run's agent, the shipped
 * default) and off (a second agent in this process with `stateDetection: false`), alternated in
 * pairs so a load change hits both alike; the headline is the median of the per-pair ratios.
 */
export async function detectionScenario(ctx: BenchContext): Promise<StateHeadline> {
  const off: AgentHost = await startAgentHost({ dataDir: path.join(ctx.tmp, 'data-nodetect'), logLevel: 'warn', sessions: { mode: 'in-process', stateDetection: false, maxSessions: 256 } });
  const details: Record<string, unknown> = {};
  ctx.details.detection = details;
  try {
    const withAgent = (agent: BenchContext['agent']): BenchContext => ({ ...ctx, agent });
    const ansi = makeAnsiFloodPayload(ctx.tmp, ctx.flood.bytes);
    const result: StateHeadline = {};
    for (const [name, payload] of [['plain', ctx.flood], ['ansi', ansi]] as const) {
      await agentFlood(withAgent(ctx.agent), ctx.warmup, 1);
      await agentFlood(withAgent(off), ctx.warmup, 1);
      const reps = ctx.quick ? 5 : 7;
      const on: number[] = [];
      const offRates: number[] = [];
      const onCpu: number[] = [];
      const offCpu: number[] = [];
      for (let i = 0; i < reps; i++) {
        for (const side of i % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
          await sleep(300);
          const run = await agentFlood(withAgent(side === 'on' ? ctx.agent : off), payload, 1);
          checkFlood(ctx, `detection ${name} ${side} run ${i}`, run.results, payload.bytes);
          (side === 'on' ? on : offRates).push(run.perClientMBps[0]);
          (side === 'on' ? onCpu : offCpu).push(run.cpu.selfCpuMs / (payload.bytes / 1e6));
          ctx.log(`detection ${name} ${side}: ${run.perClientMBps[0].toFixed(1)} MB/s`);
        }
      }
      const ratios = on.map((rate, i) => rate / offRates[i]);
      // 4 KiB chunks: smaller than the PTY usually delivers under a flood, so more calls per MB (the worst case).
      const parseMsPerMB = detectionMsPerMB(payload.file, 4096);
      const share = parseMsPerMB / median(offCpu);
      details[name] = {
        detectionMsPerMB: round(parseMsPerMB, 3),
        cpuShare: round(share, 4),
        payloadMiB: round(payload.bytes / 1024 / 1024, 1),
        onMBps: on.map((r) => round(r)),
        offMBps: offRates.map((r) => round(r)),
        pairRatios: ratios.map((r) => round(r, 3)),
        agentCpuMsPerMB: { on: round(median(onCpu)), off: round(median(offCpu)) },
      };
      if (name === 'plain') {
        result.detectionFloodRatio = round(median(ratios), 3);
        result.detectionCpuShare = round(share, 4);
      } else {
        result.detectionAnsiFloodRatio = round(median(ratios), 3);
        result.detectionAnsiCpuShare = round(share, 4);
      }
    }
    return result;
  } finally {
    await off.stop();
  }
}

/**
 * 50 sessions printing a line every 100 ms each; the agent's CPU over equal windows with nobody
 * watching and with one client (in a client process) watching all 50 with previews, alternated.
 * (Every 10 ms was 5,000 forks of `sleep` a second: the printers alone saturated two cores and
 * starved the agent, so the scenario measured the machine, not the previews.)
 */
export async function watchScenario(ctx: BenchContext): Promise<StateHeadline> {
  const count = 50;
  const windowMs = ctx.quick ? 4000 : 8000;
  const script = 'i=0; while :; do i=$((i+1)); echo "printer $1 line $i $RANDOM"; sleep 0.1; done';
  const ids: string[] = [];
  const details: Record<string, unknown> = {};
  ctx.details.watch50 = details;
  try {
    for (let i = 0; i < count; i++) {
      const session = await ctx.agent.createSession({ command: [ctx.bash, '--norc', '--noprofile', '-c', script, 'printer', String(i)], cwd: ctx.tmp, cols: COLS, rows: ROWS });
      ids.push(session.id);
    }
    await sleep(2000);
    const base: number[] = [];
    const watched: number[] = [];
    const previews: Array<{ previews: number; bytes: number; sessions: number; ms: number }> = [];
    const rounds = ctx.quick ? 2 : 3;
    for (let r = 0; r < rounds; r++) {
      for (const side of ['base', 'watch'] as const) {
        const job = `watch-${r}`;
        if (side === 'watch') await ctx.a.call('watchStart', { job }, 15_000);
        // Let the first round of previews (cold emulators) pass before measuring: the steady state.
        if (side === 'watch') await sleep(ctx.quick ? 2000 : 4000);
        if (side === 'watch') await ctx.a.call('watchReset', { job }, 5000);
        const meter = new CpuMeter().start();
        const t0 = performance.now();
        await sleep(windowMs);
        const cores = meter.ms() / (performance.now() - t0);
        if (side === 'watch') previews.push(await ctx.a.call('watchStop', { job }, 15_000));
        (side === 'base' ? base : watched).push(cores);
        ctx.log(`watch50 ${side}: agent ${cores.toFixed(3)} cores`);
        await sleep(1000);
      }
    }
    const last = previews[previews.length - 1];
    const perS = median(previews.map((p) => p.previews / (p.ms / 1000)));
    details.rounds = { baseCores: base.map((c) => round(c, 3)), watchedCores: watched.map((c) => round(c, 3)), previews };
    return {
      watch50BaselineCores: round(median(base), 3),
      watch50WatchedCores: round(median(watched), 3),
      watch50PreviewsPerS: round(perS, 1),
      watch50PreviewKBps: round(median(previews.map((p) => p.bytes / 1024 / (p.ms / 1000))), 1),
      watch50SessionsPreviewed: last?.sessions ?? 0,
    };
  } finally {
    await ctx.a.call('deleteSessions', { ids, concurrency: 25 }, 120_000).catch(() => undefined);
  }
}
