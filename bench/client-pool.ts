import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { AgentEndpoint, RpcRequest, RpcResponse } from './common';

/**
 * The orchestrator's handle on one client process (bench/client-process.js): a separate Node
 * process with its own event loop and its own CPU time, like a real remote client. Its stdout and
 * stderr go to our stderr, so `--json` keeps stdout clean.
 */
export class ClientProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private exited = false;

  private constructor(readonly name: string, private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const response = raw as RpcResponse;
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      clearTimeout(waiter.timer);
      if (response.ok) waiter.resolve(response.result);
      else waiter.reject(new Error(`${this.name}: ${response.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const [id, waiter] of this.pending) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) during request ${id}`));
      }
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Fork `script` (default: the WebSocket client process; bench/hostile-process.js speaks the same RPC). */
  static async start(name: string, endpoint: AgentEndpoint, script = 'client-process.js'): Promise<ClientProcess> {
    const child = fork(path.join(__dirname, script), [], {
      stdio: ['ignore', 2, 2, 'ipc'],
      // --expose-gc: the bench collects the clients' garbage between scenarios (see settleHeap).
      execArgv: ['--expose-gc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const client = new ClientProcess(name, child);
    await client.call('init', endpoint, 10_000);
    return client;
  }

  /** Run `cmd` in the client process; every call is bounded by `timeoutMs`. */
  call<T = any>(cmd: string, args: unknown, timeoutMs: number): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const request: RpcRequest = { id, cmd, args };
      // With a callback, a closed channel (the process died) rejects this call instead of
      // becoming an unhandled 'error' event that ends the whole run.
      this.child.send(request, (error) => {
        if (error === null || !this.pending.has(id)) return;
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new Error(`${this.name}: ${cmd}: ${error.message}`));
      });
    });
  }

  /** Ask the process to close its sockets and exit; SIGKILL it (by pid, it is ours) if it does not. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call('exit', {}, 3000).catch(() => undefined);
    const timer = setTimeout(() => {
      if (!this.exited) this.child.kill('SIGKILL');
    }, 3000);
    await gone;
    clearTimeout(timer);
  }

  /** Immediate kill (failure paths). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
