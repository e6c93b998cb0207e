import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hostPaths } from '../src/sessions/host/host-paths';
import { startAgentHost, type AgentHost } from './agent-host';
import { rssOf } from './agent-process';
import { ClientProcess } from './client-pool';
import { KiB, median, round, sleep } from './common';
import { processRoundTrip } from './process-round-trip';
import { settledMemory } from './probes';
import { agentFlood, checkFlood, COLS, keystrokeScenario, lateJoinScenario, ROWS, type BenchContext, type Headline } from './scenarios';

/** What the session host scenario reports (ratios: hosted / in-process, measured in this run). */
export type HostHeadline = Partial<{
  hostFloodRatio: number;
  hostKeystrokeP50Ratio: number;
  hostKeystrokeP99Ratio: number;
  /** Hosted keystroke p50 minus in-process p50 (ms): what the host adds, to set beside processRoundTripP50Ms. */
  hostKeystrokeP50ExtraMs: number;
  /** One byte to another Node process over a Unix socket and back, p50 (ms): the floor under any hop. */
  processRoundTripP50Ms: number;
  hostLateJoinBytesRatio: number;
  hostLateJoinMsRatio: number;
  hostIdleSessionKiB: number;
  inProcessIdleSessionKiB: number;
  adoptMs: number;
}>;

const ADOPT_SESSIONS = 50;

function hostPid(dataDir: string): number {
  return (JSON.parse(readFileSync(hostPaths(dataDir).info, 'utf8')) as { pid: number }).pid;
}

async function idleSessions(ctx: BenchContext, count: number): Promise<string[]> {
  const body = { command: [ctx.bash, '--norc', '--noprofile'], cwd: ctx.tmp, cols: COLS, rows: ROWS, env: { PS1: 'idle$ ', HISTFILE: '' } };
  const burst = await ctx.a.call<{ ids: string[]; failures: string[] }>('createBurst', { count, concurrency: 10, body }, 120_000);
  if (burst.ids.length !== count) {
    await ctx.a.call('deleteSessions', { ids: burst.ids, concurrency: 10 }, 120_000).catch(() => undefined);
    throw new Error(`created ${burst.ids.length} of ${count} idle sessions: ${burst.failures.join('; ')}`);
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { json } = await ctx.agent.api('GET', '/api/sessions');
    const ready = (json.sessions as Array<{ id: string; outputBytes: number }>).filter((s) => burst.ids.includes(s.id) && s.outputBytes > 0);
    if (ready.length === count) return burst.ids;
    if (Date.now() > deadline) throw new Error('idle sessions did not all print a prompt within 30 s');
    await sleep(100);
  }
}

/**
 * Sessions in the session host against sessions in the agent, in the same run: flood throughput
 * (pairs alternated, median ratio), keystroke p50/p99, late join, memory per idle session (agent
 * plus host), and `adoptMs`: from a new agent's start until all of 50 sessions it adopted are
 * attached (ATTACHED received by a client).
 */
export async function sessionHostScenario(inProcess: BenchContext): Promise<HostHeadline> {
  const dataDir = path.join(inProcess.tmp, 'data-hosted');
  let hosted: AgentHost | null = await startAgentHost({ dataDir, logLevel: 'warn', sessions: { mode: 'host', maxSessions: 256, createRateLimit: { creates: 0 } } });
  let clients = await Promise.all([ClientProcess.start('host-A', hosted.endpoint), ClientProcess.start('host-B', hosted.endpoint)]);
  const hostedDetails: Record<string, unknown> = {};
  const ctx = (agent: AgentHost): BenchContext => ({ ...inProcess, agent, a: clients[0], b: clients[1], details: hostedDetails });
  const result: HostHeadline = {};
  const details: Record<string, unknown> = {};
  inProcess.details.sessionHost = details;
  try {
    // Memory and adoption first: the host is fresh (no flood has grown its heap yet).
    // Idle memory per session: the agent (this process) plus, when hosted, the session host.
    const count = ADOPT_SESSIONS;
    const beforeIn = await settledMemory();
    const inIds = await idleSessions({ ...inProcess }, count);
    await sleep(1000);
    const afterIn = await settledMemory();
    result.inProcessIdleSessionKiB = round((afterIn.rss - beforeIn.rss) / count / KiB, 1);
    await inProcess.a.call('deleteSessions', { ids: inIds, concurrency: 25 }, 120_000);
    // The hosted agent starts its host on the first session: measure from a host that exists already.
    const probe = await hosted.createSession({ command: ['true'], cwd: inProcess.tmp });
    await sleep(500);
    await hosted.removeSession(probe.id);
    const pid = hostPid(dataDir);
    const beforeHosted = { agent: await settledMemory(), host: rssOf(pid) };
    const hostedIds = await idleSessions(ctx(hosted), count);
    await sleep(1000);
    const afterHosted = { agent: await settledMemory(), host: rssOf(pid) };
    // The agent's RSS moves by more than 50 sessions cost (the in-process agent's freed pages come
    // back and go); its heap + external is what the agent keeps per session, the host's RSS the rest.
    const agentKept = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external;
    const hostedAgent = (agentKept(afterHosted.agent) - agentKept(beforeHosted.agent)) / count;
    const hostedHost = (afterHosted.host - beforeHosted.host) / count;
    result.hostIdleSessionKiB = round((hostedAgent + hostedHost) / KiB, 1);
    details.idle = {
      sessions: count,
      inProcessAgentRssKiBPerSession: result.inProcessIdleSessionKiB,
      inProcessAgentHeapExternalKiBPerSession: round((agentKept(afterIn) - agentKept(beforeIn)) / count / KiB, 1),
      hostedAgentHeapExternalKiBPerSession: round(hostedAgent / KiB, 1),
      hostedAgentRssKiBPerSession: round((afterHosted.agent.rss - beforeHosted.agent.rss) / count / KiB, 1),
      hostedHostRssKiBPerSession: round(hostedHost / KiB, 1),
    };
    inProcess.log(`session host idle memory: ${result.hostIdleSessionKiB} KiB/session (agent heap+external + host RSS) vs ${result.inProcessIdleSessionKiB} KiB agent RSS in-process`);

    // Adoption: stop the agent (the sessions stay in the host), start a new one, attach to all.
    await Promise.all(clients.map((client) => client.stop()));
    await hosted.kernel.stop('bench: restart for adoption');
    const t0 = performance.now();
    hosted = await startAgentHost({ dataDir, logLevel: 'warn', sessions: { mode: 'host', maxSessions: 256, createRateLimit: { creates: 0 } } });
    const startedMs = performance.now() - t0;
    clients = await Promise.all([ClientProcess.start('host-A2', hosted.endpoint), ClientProcess.start('host-B2', hosted.endpoint)]);
    const t1 = performance.now();
    const attached = await clients[0].call<{ attached: number }>('attachMany', { job: 'adopt', ids: hostedIds, concurrency: 25 }, 120_000);
    const attachMs = performance.now() - t1;
    if (attached.attached !== count) inProcess.correctness.push(`adoption: attached ${attached.attached} of ${count} adopted sessions`);
    result.adoptMs = round(startedMs + attachMs, 0);
    details.adopt = { sessions: count, agentStartMs: round(startedMs, 0), attachAllMs: round(attachMs, 0) };
    inProcess.log(`adoption of ${count} sessions: ${result.adoptMs} ms (agent start ${round(startedMs, 0)} ms + attach all ${round(attachMs, 0)} ms)`);
    await clients[0].call('closeJob', { job: 'adopt' }, 30_000).catch(() => undefined);
    for (const id of hostedIds) await hosted.api('DELETE', `/api/sessions/${id}`).then(() => hosted!.api('DELETE', `/api/sessions/${id}`)).catch(() => undefined);
    // Flood: the same payload through each, alternated so a load change hits both alike.
    await agentFlood(ctx(hosted), inProcess.warmup, 1);
    await agentFlood(inProcess, inProcess.warmup, 1);
    const reps = inProcess.quick ? 3 : 5;
    const ratios: number[] = [];
    const rates = { hosted: [] as number[], inProcess: [] as number[] };
    for (let i = 0; i < reps; i++) {
      const pair: Record<string, number> = {};
      for (const side of i % 2 === 0 ? ['hosted', 'inProcess'] as const : ['inProcess', 'hosted'] as const) {
        await sleep(300);
        const run = await agentFlood(side === 'hosted' ? ctx(hosted) : inProcess, inProcess.flood, 1);
        checkFlood(inProcess, `session host flood (${side}) run ${i}`, run.results, inProcess.flood.bytes);
        pair[side] = run.perClientMBps[0];
        rates[side].push(run.perClientMBps[0]);
      }
      ratios.push(pair.hosted / pair.inProcess);
    }
    result.hostFloodRatio = round(median(ratios), 3);
    details.flood = { hostedMBps: rates.hosted.map((r) => round(r)), inProcessMBps: rates.inProcess.map((r) => round(r)), pairRatios: ratios.map((r) => round(r, 3)) };
    inProcess.log(`session host flood: ${round(median(rates.hosted))} MB/s hosted vs ${round(median(rates.inProcess))} MB/s in-process (ratio ${result.hostFloodRatio})`);

    // Keystrokes: A B B A, averaged per side.
    const keys = { hosted: [] as Headline[], inProcess: [] as Headline[] };
    for (const side of ['inProcess', 'hosted', 'hosted', 'inProcess'] as const) {
      keys[side].push(await keystrokeScenario(side === 'hosted' ? ctx(hosted) : { ...inProcess, details: {} }));
    }
    const mean = (list: Headline[], key: 'keystrokeP50Ms' | 'keystrokeP99Ms') => list.reduce((sum, h) => sum + Number(h[key]), 0) / list.length;
    result.hostKeystrokeP50Ratio = round(mean(keys.hosted, 'keystrokeP50Ms') / mean(keys.inProcess, 'keystrokeP50Ms'), 3);
    result.hostKeystrokeP99Ratio = round(mean(keys.hosted, 'keystrokeP99Ms') / mean(keys.inProcess, 'keystrokeP99Ms'), 3);
    result.hostKeystrokeP50ExtraMs = round(mean(keys.hosted, 'keystrokeP50Ms') - mean(keys.inProcess, 'keystrokeP50Ms'), 3);
    // The host puts one process round trip into each echo (INPUT over, OUTPUT back): its floor here.
    const roundTrip = await processRoundTrip(inProcess.tmp, 200, inProcess.quick ? 10 : 15);
    result.processRoundTripP50Ms = roundTrip.p50;
    details.keystroke = { hosted: keys.hosted, inProcess: keys.inProcess, processRoundTrip: roundTrip };
    inProcess.log(`session host keystroke: p50 ratio ${result.hostKeystrokeP50Ratio}, p99 ratio ${result.hostKeystrokeP99Ratio}; p50 +${result.hostKeystrokeP50ExtraMs} ms hosted, a process round trip alone p50 ${roundTrip.p50} ms`);

    // Late join after 10 MiB: bytes and time to a usable screen.
    const joinIn = await lateJoinScenario({ ...inProcess, details: {} });
    const joinHosted = await lateJoinScenario(ctx(hosted));
    result.hostLateJoinBytesRatio = round(Number(joinHosted.lateJoinBytes) / Number(joinIn.lateJoinBytes), 3);
    result.hostLateJoinMsRatio = round(Number(joinHosted.lateJoinMs) / Number(joinIn.lateJoinMs), 3);
    details.lateJoin = { hosted: joinHosted, inProcess: joinIn };

    details.hostedScenarioDetails = hostedDetails;
    return result;
  } finally {
    await Promise.all(clients.map((client) => client.stop().catch(() => undefined)));
    // Ends the host and whatever still runs in it (a scenario that failed half-way leaves sessions
    // the agent did not create through `createSession`), then stops the agent.
    await hosted?.api('POST', '/api/session-host/stop').catch(() => undefined);
    await hosted?.stop().catch(() => undefined);
  }
}
