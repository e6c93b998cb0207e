/**
 * Investigation helper (not part of `npm run bench`): one agent flood and one raw node-pty run, with
 * the monotonic time window of each printed on stderr, for `node --cpu-prof` analysis of the flood
 * window only. `node --cpu-prof dist/bench/experiments/flood-window.js [MiB]`
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAgentHost } from '../agent-host';
import { ClientProcess } from '../client-pool';
import { MiB } from '../common';
import { makeFloodPayload } from '../payloads';
import { SessionManager } from '../../src/plugin-api';
import { agentFlood, rawRun, type BenchContext } from '../scenarios';

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 64);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tfbench-window-'));
  const agent = await startAgentHost({ dataDir: path.join(tmp, 'data'), logLevel: 'warn', sessions: { mode: 'in-process', maxSessions: 256 } });
  const a = await ClientProcess.start('A', agent.endpoint);
  const b = await ClientProcess.start('B', agent.endpoint);
  try {
    const flood = makeFloodPayload(tmp, mib * MiB);
    const warmup = makeFloodPayload(tmp, 4 * MiB);
    const ctx = { quick: true, agent, a, b, bash: '/bin/bash', tmp, flood, warmup, ringBytes: 4 * MiB, clientBufferCap: MiB, maxFrameBytes: 65536, keystrokeResume: false, sessionsConfig: {}, logLevel: 'warn', log: (m: string) => process.stderr.write(m + '\n'), details: {}, correctness: [] } as BenchContext;
    await agentFlood(ctx, warmup, 1);
    const mark = () => Number(process.hrtime.bigint() / 1000n);
    // How often is the PTY held back by flow control during the flood? (internal state, investigation only)

    const manager = agent.kernel.service(SessionManager) as unknown as { list(): Array<{ id: string }>; session(id: string): { stream: { holdingPty: boolean } } | undefined };
    let polls = 0;
    let held = 0;
    const poll = setInterval(() => {
      for (const info of manager.list()) {
        const session = manager.session(info.id);
        if (!session) continue;
        polls++;
        if (session.stream.holdingPty) held++;
      }
    }, 1);
    let t0 = mark();
    const run = await agentFlood(ctx, flood, 1);
    let t1 = mark();
    clearInterval(poll);
    process.stderr.write(`PTY held by flow control in ${held} of ${polls} polls\n`);
    process.stderr.write(`WINDOW flood ${t0} ${t1} ${run.perClientMBps[0].toFixed(1)} MB/s\n`);
    const expected = readFileSync(flood.file);
    t0 = mark();
    const raw = await rawRun(ctx, flood, expected);
    t1 = mark();
    process.stderr.write(`WINDOW raw ${t0} ${t1} ${(raw.value.bytes / 1e6 / ((raw.value.lastAt - raw.value.firstAt) / 1000)).toFixed(1)} MB/s\n`);
  } finally {
    await a.stop();
    await b.stop();
    await agent.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
