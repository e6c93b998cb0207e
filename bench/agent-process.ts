import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { agentApiClient, type AgentApiClient } from './agent-host';
import { median, sleep } from './common';

/**
 * The agent as a process of its own (`tunnelforge start`, every built-in plugin), for memory
 * figures: the bench's own agent shares its process with the bench (payload files, results,
 * clients' bookkeeping), whose heap growing and shrinking by megabytes would be billed to the
 * sessions measured. Here RSS and open files are read from /proc for the agent alone.
 */
export interface AgentProcess extends AgentApiClient {
  pid: number;
  /** Resident set size now (bytes). */
  rss(): number;
  /** Open file descriptors now. */
  fds(): number;
  stop(): Promise<void>;
}

export async function startAgentProcess(work: string, sessions: Record<string, unknown>): Promise<AgentProcess> {
  const dataDir = path.join(work, 'data');
  const config = path.join(work, 'tunnelforge.config.json');
  const ready = path.join(work, 'ready.json');
  writeFileSync(config, JSON.stringify({ plugins: { 'core-sessions': { options: sessions } } }));
  const cli = path.join(__dirname, '..', '..', 'bin', 'tunnelforge.js'); // dist/bench → the package's bin
  const child: ChildProcess = spawn(process.execPath, [cli, 'start', '--config', config, '--data-dir', dataDir, '--port', '0', '--log-level', 'warn', '--ready-file', ready], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(ready)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the agent process did not become ready (exit ${child.exitCode})`);
    }
    await sleep(50);
  }
  const { url } = JSON.parse(readFileSync(ready, 'utf8')) as { url: string };
  const token = readFileSync(path.join(dataDir, 'local-token'), 'utf8').trim();
  const client = agentApiClient({ httpUrl: url, wsUrl: url.replace(/^http/, 'ws') + '/ws', token });
  const pid = child.pid!;
  return {
    ...client,
    pid,
    rss: () => rssOf(pid),
    fds: () => readdirSync(`/proc/${pid}/fd`).length,
    async stop() {
      await client.removeAll().catch(() => undefined);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (line === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(line.replace(/\D+/g, '')) * 1024;
}

/** Median of `count` RSS readings `pauseMs` apart. */
export async function settledRss(agent: AgentProcess, count = 5, pauseMs = 100): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(pauseMs);
    samples.push(agent.rss());
  }
  return median(samples);
}

/**
 * settledRss() once it stopped moving (V8 and malloc hand pages back over seconds after a burst):
 * samples every second until two in a row differ by less than `toleranceBytes`, or `maxMs` passed.
 */
export async function stableRss(agent: AgentProcess, toleranceBytes = 256 * 1024, maxMs = 15_000): Promise<{ rss: number; waitedMs: number }> {
  const t0 = Date.now();
  let last = await settledRss(agent, 3);
  for (;;) {
    await sleep(1000);
    const next = await settledRss(agent, 3);
    if (Math.abs(next - last) < toleranceBytes || Date.now() - t0 > maxMs) return { rss: next, waitedMs: Date.now() - t0 };
    last = next;
  }
}
