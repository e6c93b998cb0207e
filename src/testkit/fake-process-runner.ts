import type { Disposable, ManagedProcess, ProcessOptions, ProcessResult, ProcessRunner } from '../plugin-api';

/** A scripted answer for `run`. */
export type RunScript = (args: readonly string[], options: ProcessOptions) => ProcessResult | Promise<ProcessResult>;

/** A fake long-lived child the test drives: emit lines, exit. */
export class FakeManagedProcess implements ManagedProcess {
  private static nextPid = 90_000;
  readonly pid = FakeManagedProcess.nextPid++;
  readonly exited: Promise<ProcessResult & { error?: Error }>;
  private resolveExit!: (result: ProcessResult & { error?: Error }) => void;
  private listeners = new Set<(line: string, stream: 'stdout' | 'stderr') => void>();
  private isRunning = true;
  /** Signals the process received through `stop`. */
  readonly signals: string[] = [];

  constructor(readonly argv: readonly string[], readonly options: ProcessOptions) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  get running(): boolean {
    return this.isRunning;
  }

  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Pretend the child printed a line. */
  emit(line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    for (const listener of [...this.listeners]) listener(line, stream);
  }

  /** Pretend the child exited. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (!this.isRunning) return;
    this.isRunning = false;
    this.resolveExit({ code, signal, stdout: '', stderr: '' });
  }

  async stop(): Promise<void> {
    this.signals.push('SIGTERM');
    this.exit(null, 'SIGTERM');
    await this.exited;
  }
}

/**
 * A `ProcessRunner` that runs nothing: `run` answers from scripts registered with `onRun`, and
 * `spawn` returns {@link FakeManagedProcess} objects the test controls. Every call is recorded.
 */
export class FakeProcessRunner implements ProcessRunner {
  readonly runs: { file: string; args: readonly string[] }[] = [];
  readonly spawned: FakeManagedProcess[] = [];
  private readonly scripts = new Map<string, RunScript>();

  /** Script the answer for `run(file, ...)`. Unscripted commands fail with ENOENT-like output. */
  onRun(file: string, script: RunScript): this {
    this.scripts.set(file, script);
    return this;
  }

  async run(file: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
    this.runs.push({ file, args });
    const script = this.scripts.get(file);
    if (!script) return { code: null, signal: null, stdout: '', stderr: `spawn ${file} ENOENT` };
    return script(args, options);
  }

  spawn(file: string, args: readonly string[], options: ProcessOptions = {}): FakeManagedProcess {
    const proc = new FakeManagedProcess([file, ...args], options);
    this.spawned.push(proc);
    return proc;
  }

  /** Children not yet exited. */
  livePids(): number[] {
    return this.spawned.filter((p) => p.running).map((p) => p.pid);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.spawned.filter((p) => p.running).map((p) => p.stop()));
  }
}
