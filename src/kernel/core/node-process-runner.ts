import { execFile, spawn, type ChildProcess } from 'node:child_process';
import type { Disposable, Logger, ManagedProcess, ProcessOptions, ProcessResult, ProcessRunner } from '../../plugin-api';

const DEFAULT_RUN_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Child processes with argv arrays only (never a shell). Long-lived children get their own process
 * group, so stopping one also stops what it started; every one is tracked and `stopAll` ends the
 * stragglers at shutdown.
 */
export class NodeProcessRunner implements ProcessRunner {
  private readonly live = new Set<NodeManagedProcess>();

  constructor(private readonly log: Logger) {}

  run(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
    return new Promise((resolve) => {
      execFile(
        file,
        [...args],
        {
          cwd: options.cwd,
          env: mergeEnv(options.env),
          timeout: options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: MAX_OUTPUT_BYTES,
          windowsHide: true,
          shell: false,
        },
        (error, stdout, stderr) => {
          const err = error as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
          if (err && typeof err.code === 'string') {
            // Could not start at all (ENOENT, EACCES): report like a failed process, with the reason.
            resolve({ code: null, signal: null, stdout: String(stdout), stderr: String(stderr) || err.message });
            return;
          }
          resolve({
            code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
            signal: err?.signal ?? null,
            stdout: String(stdout),
            stderr: String(stderr),
          });
        },
      );
    });
  }

  spawn(file: string, args: readonly string[], options: ProcessOptions = {}): ManagedProcess {
    const proc = new NodeManagedProcess(file, args, options, this.log);
    this.live.add(proc);
    void proc.exited.then(() => this.live.delete(proc));
    return proc;
  }

  /** Pids of children still running (tests use it to prove nothing leaked). */
  livePids(): number[] {
    return [...this.live].filter((p) => p.running && p.pid !== undefined).map((p) => p.pid as number);
  }

  /** Stop every child still running. */
  async stopAll(graceMs = 2000): Promise<void> {
    const running = [...this.live].filter((p) => p.running);
    if (running.length > 0) this.log.warn('stopping child processes left running', { count: running.length, argv: running.map((p) => p.argv.join(' ')) });
    await Promise.all(running.map((p) => p.stop(graceMs)));
  }
}

function mergeEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  if (!extra) return process.env;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

class NodeManagedProcess implements ManagedProcess {
  readonly argv: readonly string[];
  readonly exited: Promise<ProcessResult & { error?: Error }>;
  private child: ChildProcess | undefined;
  private isRunning = false;
  private readonly lineListeners = new Set<(line: string, stream: 'stdout' | 'stderr') => void>();
  private stdout = '';
  private stderr = '';

  constructor(file: string, args: readonly string[], options: ProcessOptions, private readonly log: Logger) {
    this.argv = [file, ...args];
    this.exited = new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(file, [...args], {
          cwd: options.cwd,
          env: mergeEnv(options.env),
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: process.platform !== 'win32',
          windowsHide: true,
          shell: false,
        });
      } catch (error) {
        resolve({ code: null, signal: null, stdout: '', stderr: '', error: error as Error });
        return;
      }
      this.child = child;
      this.isRunning = child.pid !== undefined;
      let settled = false;
      const finish = (result: ProcessResult & { error?: Error }) => {
        if (settled) return;
        settled = true;
        this.isRunning = false;
        resolve(result);
      };
      this.pipeLines(child.stdout, 'stdout');
      this.pipeLines(child.stderr, 'stderr');
      child.once('error', (error) => finish({ code: null, signal: null, stdout: this.stdout, stderr: this.stderr, error }));
      child.once('close', (code, signal) => finish({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.isRunning;
  }

  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): Disposable {
    this.lineListeners.add(listener);
    return { dispose: () => void this.lineListeners.delete(listener) };
  }

  async stop(graceMs = 3000): Promise<void> {
    if (!this.isRunning) {
      await this.exited;
      return;
    }
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
    // The group may still hold grandchildren that ignored SIGTERM.
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      if (process.platform !== 'win32') process.kill(-pid, signal);
      else this.child?.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private pipeLines(stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): void {
    if (!stream) return;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      // Keep a bounded copy for the exit result; lines go to listeners.
      if (name === 'stdout') this.stdout = (this.stdout + chunk).slice(-65536);
      else this.stderr = (this.stderr + chunk).slice(-65536);
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        this.emitLine(pending.slice(0, nl).replace(/\r$/, ''), name);
        pending = pending.slice(nl + 1);
      }
      if (pending.length > 65536) {
        this.emitLine(pending, name);
        pending = '';
      }
    });
    stream.on('end', () => {
      if (pending) this.emitLine(pending, name);
      pending = '';
    });
  }

  private emitLine(line: string, stream: 'stdout' | 'stderr'): void {
    for (const listener of [...this.lineListeners]) {
      try {
        listener(line, stream);
      } catch (error) {
        this.log.error('process line listener failed', { argv0: this.argv[0], error: String(error) });
      }
    }
  }
}
