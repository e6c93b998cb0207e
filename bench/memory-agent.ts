import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { startAgentProcess, type AgentProcess } from './agent-process';
import { ClientProcess } from './client-pool';
import type { BenchContext } from './scenarios';

/** A scenario context whose agent is a process of its own (see agent-process.ts), with two client processes on it. */
export interface MemoryBench {
  ctx: BenchContext;
  agent: AgentProcess;
}

/**
 * Run `scenario` against a fresh agent process (sessions in-process, no create limit, the bench's
 * `--sessions-config` on top) and stop it and its clients afterwards.
 */
export async function withMemoryAgent<T>(shared: BenchContext, name: string, scenario: (m: MemoryBench) => Promise<T>): Promise<T> {
  const work = path.join(shared.tmp, `agent-${name}`);
  mkdirSync(work, { recursive: true });
  const agent = await startAgentProcess(work, { 'core-sessions': { options: { mode: 'in-process', createRateLimit: { creates: 0 }, maxSessions: 600, ...shared.sessionsConfig } } });
  const clients: ClientProcess[] = [];
  try {
    clients.push(await ClientProcess.start(`${name}-A`, agent.endpoint), await ClientProcess.start(`${name}-B`, agent.endpoint));
    shared.log(`${name}: agent process pid ${agent.pid} at ${agent.endpoint.httpUrl}`);
    return await scenario({ ctx: { ...shared, agent, a: clients[0], b: clients[1] }, agent });
  } finally {
    await Promise.all(clients.map((client) => client.stop().catch(() => client.kill())));
    await agent.stop();
  }
}
