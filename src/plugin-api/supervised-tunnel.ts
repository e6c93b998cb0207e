import type { Token } from './capability';
import { Clock, Logger, PlatformInfo, ProcessRunner, type ProcessResult } from './core-services';
import type { Registrar } from './define-plugin';
import type { Disposable } from './disposable';
import type { TunnelLaunch, TunnelLauncher } from './tunnel-launcher';
import { TunnelProvider, type TunnelStatus } from './tunnel-provider';

/** When and how often a tunnel that died after being up is started again. */
export interface TunnelRestartPolicy {
  /** Delay before the first restart (ms). The delay doubles with each consecutive failure. */
  initialDelayMs: number;
  /** Upper bound of the delay (ms). */
  maxDelayMs: number;
  /** Consecutive failed restarts after which the tunnel stays in `error`. */
  maxAttempts: number;
  /** A run that stayed up at least this long (ms) resets the back-off. */
  resetAfterMs: number;
}

/** Construction options of {@link SupervisedTunnel}. */
export interface SupervisedTunnelOptions {
  /** The provider id (`"cloudflare"`, `"ngrok"`). */
  id: string;
  launcher: TunnelLauncher;
  /** Timers (URL timeout, back-off) run on this clock, so the test kit's `FakeClock` can drive them. */
  clock: Clock;
  log: Logger;
  /** How long a run may take to report its public URL before it is stopped as failed (ms). Default 20 000. */
  urlTimeoutMs?: number;
  restart?: Partial<TunnelRestartPolicy>;
  /** SIGTERM grace before SIGKILL when stopping the tool (ms). Default 3000. */
  stopGraceMs?: number;
}

/** What a tunnel plugin builds its {@link TunnelLauncher} from (see {@link SupervisedTunnel.provide}). */
export interface TunnelLauncherDeps {
  platform: PlatformInfo;
  processes: ProcessRunner;
  clock: Clock;
}

/** Defaults of {@link TunnelRestartPolicy}. */
export const DEFAULT_TUNNEL_RESTART: Readonly<TunnelRestartPolicy> = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 10, resetAfterMs: 60_000 });

interface Run {
  readonly controller: AbortController;
  launch?: TunnelLaunch;
  lines?: Disposable;
  upAt?: number;
  ended?: Promise<void>;
  lastLine?: string;
  lastError?: string;
  /** True while consecutive lines are error lines: only the first of such a burst is kept. */
  inErrorBurst?: boolean;
}

/** Thrown to a `start()` that `stop()` cancelled; the state is then `down`, not `error`. */
class TunnelStoppedError extends Error {}

/**
 * A {@link TunnelProvider} around a child process: the state machine (`down → starting → up`, `error`),
 * a URL timeout that stops the child, restarts with exponential back-off when the child dies after
 * being up, and a `stop` that is idempotent, cancels a start in progress and always waits for the
 * child to be gone. Tunnel plugins only write a {@link TunnelLauncher}. Plugin authors can reuse it.
 */
export class SupervisedTunnel implements TunnelProvider {
  readonly id: string;
  private current: TunnelStatus;
  private readonly listeners = new Set<(status: TunnelStatus) => void>();
  private readonly urlTimeoutMs: number;
  private readonly policy: TunnelRestartPolicy;
  private run: Run | undefined;
  private starting: Promise<TunnelStatus> | undefined;
  private stopping: Promise<void> | undefined;
  private restartTimer: Disposable | undefined;
  private failures = 0;
  private localUrl: string | undefined;
  /** Bumped by every `stop`, so a start queued behind an earlier stop knows it was cancelled. */
  private epoch = 0;

  /**
   * For a tunnel plugin's `register`: provide a `TunnelProvider` that is a SupervisedTunnel around
   * the launcher `launcher(deps)` builds (the config typically comes from `tunnelSupervisionConfig`).
   */
  static provide(reg: Registrar, options: Omit<SupervisedTunnelOptions, 'launcher' | 'clock' | 'log'> & { launcher(deps: TunnelLauncherDeps): TunnelLauncher }): void {
    const { launcher, ...rest } = options;
    reg.provide(TunnelProvider, {
      deps: { platform: PlatformInfo, processes: ProcessRunner, clock: Clock, log: Logger },
      create: ({ platform, processes, clock, log }) => new SupervisedTunnel({ ...rest, launcher: launcher({ platform, processes, clock }), clock, log }),
    });
  }

  /**
   * For a tunnel plugin's `deactivate`: stop the SupervisedTunnel it provided under `id` (provider
   * ids are unique: the tunnels API addresses providers by them).
   */
  static async stopProvided(ctx: { getAll<T>(token: Token<T>): T[] }, id: string): Promise<void> {
    await Promise.all(ctx.getAll(TunnelProvider).filter((p) => p instanceof SupervisedTunnel && p.id === id).map((p) => p.stop()));
  }

  constructor(private readonly options: SupervisedTunnelOptions) {
    this.id = options.id;
    this.urlTimeoutMs = options.urlTimeoutMs ?? 20_000;
    this.policy = { ...DEFAULT_TUNNEL_RESTART, ...options.restart };
    this.current = { id: this.id, state: 'down', publicUrl: null, error: null, startedAt: null };
  }

  status(): TunnelStatus {
    return { ...this.current };
  }

  onStatus(listener: (status: TunnelStatus) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  start(localUrl: string): Promise<TunnelStatus> {
    if (this.starting) return this.starting;
    if (this.current.state === 'up' && !this.stopping) return Promise.resolve(this.status());
    this.cancelRestart();
    this.failures = 0;
    this.localUrl = localUrl;
    const epoch = this.epoch;
    if (!this.stopping) return this.begin(localUrl, 'start');
    // Let the previous stop finish first, so its "down" never overwrites this run's state.
    const queued = this.stopping.then(() => {
      if (epoch !== this.epoch) throw new TunnelStoppedError(`tunnel ${this.id} was stopped before it was up`);
      return this.begin(localUrl, 'start');
    });
    this.starting = queued;
    return queued;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.epoch++;
    this.cancelRestart();
    this.failures = 0;
    const inflight = this.starting;
    const run = this.run;
    this.run = undefined;
    run?.controller.abort(new TunnelStoppedError('stopped'));
    // A start in progress notices the abort, stops what it spawned and rejects; wait for that.
    await inflight?.catch(() => undefined);
    if (run) await this.endRun(run);
    if (this.current.state !== 'down' || this.current.error !== null) {
      this.options.log.info('tunnel stopped', { tunnel: this.id });
      this.update({ state: 'down', publicUrl: null, error: null, startedAt: null });
    }
  }

  /** One attempt, from `start` or from a scheduled restart; settles `this.starting`. */
  private begin(localUrl: string, mode: 'start' | 'restart'): Promise<TunnelStatus> {
    const attempt = this.attempt(localUrl).then(
      (status) => {
        if (this.starting === attempt) this.starting = undefined;
        return status;
      },
      (error: unknown) => {
        if (this.starting === attempt) this.starting = undefined;
        if (error instanceof TunnelStoppedError) throw error;
        const message = errorMessage(error);
        if (mode === 'restart') this.scheduleRestart(message);
        else {
          this.options.log.warn('tunnel failed to start', { tunnel: this.id, error: message });
          this.update({ state: 'error', publicUrl: null, error: message, startedAt: null });
        }
        throw new Error(message);
      },
    );
    this.starting = attempt;
    // Nobody awaits a restart; its failure is already reported through the status.
    if (mode === 'restart') attempt.catch(() => undefined);
    return attempt;
  }

  private async attempt(localUrl: string): Promise<TunnelStatus> {
    const run: Run = { controller: new AbortController() };
    this.run = run;
    const startedAt = new Date(this.options.clock.now()).toISOString();
    this.update({ state: 'starting', publicUrl: null, error: null, startedAt });
    try {
      const launch = await this.options.launcher.launch(localUrl, run.controller.signal);
      run.launch = launch;
      run.lines = launch.process.onLine((line) => this.remember(run, line));
      if (run.controller.signal.aborted) throw new TunnelStoppedError('stopped');
      const publicUrl = await this.waitForUrl(run, launch);
      run.upAt = this.options.clock.now();
      this.options.log.info('tunnel up', { tunnel: this.id, publicUrl });
      this.update({ state: 'up', publicUrl, error: null, startedAt });
      void launch.process.exited.then((result) => this.onExit(run, result));
      return this.status();
    } catch (error) {
      await this.endRun(run);
      if (this.run !== run || error instanceof TunnelStoppedError) throw new TunnelStoppedError(`tunnel ${this.id} was stopped before it was up`);
      this.run = undefined;
      throw error;
    }
  }

  /** The public URL, or a rejection: the child exited, the timeout passed, or the run was stopped. */
  private waitForUrl(run: Run, launch: TunnelLaunch): Promise<string> {
    const { tool } = this.options.launcher;
    const { signal } = run.controller;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, url?: string) => {
        if (settled) return;
        settled = true;
        timer.dispose();
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(url as string);
      };
      const onAbort = () => finish(new TunnelStoppedError('stopped'));
      const timer = this.options.clock.setTimeout(
        () => finish(new Error(`${tool} reported no public URL within ${formatMs(this.urlTimeoutMs)}${this.detail(run, ' (last output: ', ')')}`)),
        this.urlTimeoutMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      launch.publicUrl.then(
        (url) => finish(null, url),
        (error: unknown) => finish(new Error(errorMessage(error))),
      );
      void launch.process.exited.then((result) => finish(new Error(`${tool} exited before reporting a public URL (${describeExit(result)})${this.detail(run, ': ')}`)));
    });
  }

  /** The child died after being up: report it and restart with back-off. */
  private onExit(run: Run, result: ProcessResult & { error?: Error }): void {
    if (this.run !== run) return;
    this.run = undefined;
    void this.endRun(run);
    const reason = `${this.options.launcher.tool} exited unexpectedly (${describeExit(result)})${this.detail(run, ': ')}`;
    this.options.log.warn('tunnel process died', { tunnel: this.id, reason });
    if (run.upAt !== undefined && this.options.clock.now() - run.upAt >= this.policy.resetAfterMs) this.failures = 0;
    this.scheduleRestart(reason);
  }

  private scheduleRestart(reason: string): void {
    this.failures++;
    const { maxAttempts, initialDelayMs, maxDelayMs } = this.policy;
    if (this.failures > maxAttempts) {
      this.update({ state: 'error', publicUrl: null, error: `${reason}; gave up after ${maxAttempts} restarts`, startedAt: null });
      return;
    }
    const delay = Math.min(initialDelayMs * 2 ** (this.failures - 1), maxDelayMs);
    this.update({ state: 'error', publicUrl: null, error: `${reason}; restarting in ${formatMs(delay)} (attempt ${this.failures} of ${maxAttempts})`, startedAt: null });
    this.restartTimer = this.options.clock.setTimeout(() => {
      this.restartTimer = undefined;
      if (this.localUrl !== undefined && !this.starting && this.current.state === 'error') this.begin(this.localUrl, 'restart');
    }, delay);
  }

  private cancelRestart(): void {
    this.restartTimer?.dispose();
    this.restartTimer = undefined;
  }

  /** Release what a run holds: line listener, launcher resources, and the child itself. Once per run. */
  private endRun(run: Run): Promise<void> {
    run.ended ??= this.release(run);
    return run.ended;
  }

  private async release(run: Run): Promise<void> {
    run.lines?.dispose();
    try {
      run.launch?.close?.();
    } catch (error) {
      this.options.log.warn('tunnel launcher cleanup failed', { tunnel: this.id, error: errorMessage(error) });
    }
    await run.launch?.process.stop(this.options.stopGraceMs ?? 3000);
  }

  private remember(run: Run, line: string): void {
    const text = line.trim();
    if (!text) return;
    run.lastLine = text;
    const explained = this.options.launcher.explain?.(text) ?? null;
    // Tools print one failure as several error lines (cause first, then hints and codes): keep the first.
    if (explained === null) run.inErrorBurst = false;
    else if (explained) {
      if (!run.inErrorBurst) run.lastError = explained;
      run.inErrorBurst = true;
    }
  }

  /** The most telling output line of a run (its last error, else its last line), bounded in length. */
  private detail(run: Run, prefix: string, suffix = ''): string {
    const text = run.lastError ?? run.lastLine;
    return text ? `${prefix}${text.length > 300 ? `${text.slice(0, 300)}…` : text}${suffix}` : '';
  }

  private update(next: Omit<TunnelStatus, 'id'>): void {
    this.current = { id: this.id, ...next };
    for (const listener of [...this.listeners]) {
      try {
        listener(this.status());
      } catch (error) {
        this.options.log.error('tunnel status listener failed', { tunnel: this.id, error: errorMessage(error) });
      }
    }
  }
}

function describeExit(result: ProcessResult & { error?: Error }): string {
  if (result.error) return `could not run it: ${result.error.message}`;
  return result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
