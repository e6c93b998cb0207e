import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { agentApiClient, type AgentApiClient } from './agent-host';
import { agentEndpoint, median, sleep } from './common';

/**
 * The agent as a process of its own (`tunnelforge start`, every built-in plugin), for memory
 * figures (the memory scenarios, bench:files): the bench's own agent shares its process with the
 * bench (payload files, results, clients' bookkeeping), whose heap growing and shrinking by
 * megabytes would be billed to what is measured. Here RSS and open files are read from /proc for
 * the agent alone.
 */
export interface AgentProcess extends AgentApiClient {
  pid: number;
  /** Resident set size now (bytes). */
  rss(): number;
  /** Open file descriptors now. */
  fds(): number;
  /** A full garbage collection in the agent (through its inspector). */
  collectGarbage(): Promise<void>;
  /** The agent's `process.memoryUsage()` (through its inspector): where the RSS is. */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

/** Start `tunnelforge start` in `work` with `plugins` as its config's `plugins` section; resolves once it is ready. */
export async function startAgentProcess(work: string, plugins: Record<string, unknown>): Promise<AgentProcess> {
  const dataDir = path.join(work, 'data');
  const config = path.join(work, 'tunnelforge.config.json');
  const ready = path.join(work, 'ready.json');
  writeFileSync(config, JSON.stringify({ plugins }));
  const cli = path.join(__dirname, '..', '..', 'bin', 'tunnelforge.js'); // dist/bench → the package's bin
  // The inspector (loopback, port chosen by the OS) is how the bench collects the agent's garbage
  // before reading its memory, as settledMemory() does in process: V8 otherwise shrinks its heap
  // by tens of MiB at a moment of its choosing (the memory reducer), in the middle of a measurement.
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', cli, 'start', '--config', config, '--data-dir', dataDir, '--port', '0', '--log-level', 'warn', '--ready-file', ready], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let inspectorUrl: string | null = null;
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (inspectorUrl === null) {
      stderr += chunk;
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) inspectorUrl = match[1];
    }
    // The agent's own warnings still reach the bench's log; the inspector's banner does not.
    const rest = chunk.split('\n').filter((line) => line !== '' && !/Debugger (listening|ending|attached)|For help, see|Waiting for the debugger/.test(line));
    if (rest.length > 0) process.stderr.write(rest.join('\n') + '\n');
  });
  const deadline = Date.now() + 30_000;
  while (!existsSync(ready) || inspectorUrl === null) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the agent process did not become ready (exit ${child.exitCode})`);
    }
    await sleep(50);
  }
  const { url } = JSON.parse(readFileSync(ready, 'utf8')) as { url: string };
  const token = readFileSync(path.join(dataDir, 'local-token'), 'utf8').trim();
  const client = agentApiClient(agentEndpoint(url, token));
  const pid = child.pid!;
  const inspector = await InspectorClient.connect(inspectorUrl!);
  return {
    ...client,
    pid,
    rss: () => rssOf(pid),
    collectGarbage: async () => {
      await inspector.call('HeapProfiler.collectGarbage');
    },
    async memoryUsage() {
      const answer = (await inspector.call('Runtime.evaluate', { expression: 'process.memoryUsage()', returnByValue: true })) as { result: { value: NodeJS.MemoryUsage } };
      return answer.result.value;
    },
    fds: () => readdirSync(`/proc/${pid}/fd`).length,
    async stop() {
      await client.removeAll().catch(() => undefined);
      inspector.close();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of process `pid` (bytes), from /proc. */
export function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (line === undefined) throw new Error(`no VmRSS for ${pid}`);
  return Number(line.replace(/\D+/g, '')) * 1024;
}

/** Median of `count` RSS readings, each after a full GC and a pause of `pauseMs`. */
export async function settledRss(agent: AgentProcess, count = 5, pauseMs = 100): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    await agent.collectGarbage();
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

/** A minimal Chrome DevTools Protocol client for the agent's inspector (only what the bench needs). */
class InspectorClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static connect(url: string): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(new InspectorClient(socket)));
      socket.once('error', reject);
    });
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}
