import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startAgentHost } from './agent-host';
import { ClientProcess } from './client-pool';
import { round, sleep } from './common';
import { CpuMeter, LoopDelay } from './probes';
import { echoSession, keystrokeRounds, sessionBody, type BenchContext, type Headline } from './scenarios';

/** 1000 lines of 990 cells, each cell its own colour: a 1000×1000 screen at its most expensive. */
function writeScreenFile(dir: string): string {
  const file = path.join(dir, 'hostile-screen.txt');
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    let line = '';
    for (let j = 0; j < 990; j++) line += `\x1b[3${(i + j) % 8}mx`;
    lines.push(line + '\x1b[0m');
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * S7 "hostile neighbour" (issue 18): while client A measures keystroke echo in its own session, a
 * separate process (bench/hostile-process.ts) with an admin credential sends the worst the protocol
 * allows: ATTACH frames of nested JSON at the 4 KiB cap (and now and then 1 MiB ones), random
 * opcodes and payloads, PINGs in between, RESIZE to 1000×1000 with a screen full of coloured cells
 * and fresh ATTACHes that need its SNAPSHOT, reconnecting whenever the agent closes it (4400); and
 * every second 100 session creates at once (then their removal). Headline: keystroke p99 and max.
 * The agent is the shipped configuration, so its per-credential create limit refuses most creates.
 */
export async function hostileNeighbourScenario(shared: BenchContext): Promise<Headline> {
  // An agent of its own with the shipped sessions defaults (the create limit included; the shared
  // one creates without limit for the scale scenarios), in-process like the shared one unless
  // --sessions-config says otherwise.
  const own = await startAgentHost({ dataDir: path.join(shared.tmp, 'hostile-data'), logLevel: shared.logLevel, sessions: { mode: 'in-process', ...shared.sessionsConfig } });
  try {
    return await abuse({ ...shared, agent: own });
  } finally {
    await own.stop();
  }
}

async function abuse(ctx: BenchContext): Promise<Headline> {
  const screenFile = writeScreenFile(ctx.tmp);
  const hostileSession = await ctx.agent.createSession(sessionBody(ctx, [ctx.bash, '--norc', '--noprofile'], { PS1: 'hostile$ ' }));
  const hostile = await ClientProcess.start('hostile', ctx.agent.endpoint, 'hostile-process.js');
  let echoId: string | null = null;
  try {
    echoId = await echoSession(ctx);
    await hostile.call('start', {
      endpoint: ctx.agent.endpoint,
      sessionId: hostileSession.id,
      screenFile,
      createBody: sessionBody(ctx, [ctx.bash, '--norc', '--noprofile'], { PS1: 'burst$ ' }),
      burstEveryMs: 1000,
    }, 10_000);
    await sleep(1000); // the abuse is in full swing (first burst, first 4400s)
    const loop = new LoopDelay().start();
    const cpu = new CpuMeter().start();
    const t0 = performance.now();
    const r = await keystrokeRounds(ctx, echoId, false);
    const seconds = (performance.now() - t0) / 1000;
    const agentLoop = loop.stop();
    const agentCpuMs = cpu.ms();
    const abuse = await hostile.call<Record<string, unknown>>('stop', {}, 120_000);
    if (r.keystroke.timeouts > 0) ctx.correctness.push(`keystroke under abuse: ${r.keystroke.timeouts} keystrokes never echoed`);
    ctx.details.hostileNeighbour = { ...r, seconds: round(seconds, 1), agentLoop, agentCores: round(agentCpuMs / 1000 / seconds, 2), rssMiB: round(process.memoryUsage().rss / 2 ** 20, 1), abuse };
    ctx.log(`keystroke under abuse: p50 ${r.keystroke.p50} ms, p99 ${r.keystroke.p99} ms, max ${r.keystroke.max} ms (agent loop max ${agentLoop.maxMs} ms; ${JSON.stringify(abuse)})`);
    return { keystrokeP99UnderAbuseMs: r.keystroke.p99, keystrokeMaxUnderAbuseMs: r.keystroke.max };
  } finally {
    await hostile.stop().catch(() => hostile.kill());
    await ctx.a.call('closeAll', {}, 10_000).catch(() => undefined);
    if (echoId) await ctx.agent.removeSession(echoId).catch(() => undefined);
    await ctx.agent.removeSession(hostileSession.id).catch(() => undefined);
  }
}
