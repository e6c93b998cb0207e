import type { Clock, Disposable, Logger, SessionInfo } from '../plugin-api';
import { OutputRing } from './output-ring';
import { PtySession, type PtyExit } from './pty-session';
import { ResizeLog } from './resize-log';
import { ScreenModel } from './screen-model';
import { SessionStream } from './session-stream';
import type { SessionsConfig } from './sessions-config';

/** How long `kill` waits after SIGTERM before it also sends SIGHUP. */
const HANGUP_AFTER_MS = 200;

export interface TerminalSessionInit {
  id: string;
  name: string;
  /** argv; `command[0]` is the program. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  config: SessionsConfig;
  clock: Clock;
  log: Logger;
  onExit(session: TerminalSession): void;
}

/**
 * One terminal session: the PTY, its output ring, the lazy screen model and the client stream.
 * The PTY's data path is three calls: append to the ring, note output for the screen model,
 * let the stream send (leading edge) or coalesce.
 */
export class TerminalSession {
  /** Close code sent to attached clients when their session is removed. */
  static readonly REMOVED_CLOSE_CODE = 4404;
  readonly id: string;
  name: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly createdAt: number;
  readonly ring: OutputRing;
  readonly resizes: ResizeLog;
  readonly screen: ScreenModel;
  readonly stream: SessionStream;
  /** Resolves once the process exited and its output is all in the ring. */
  readonly exited: Promise<PtyExit>;
  private readonly pty: PtySession;
  private exitInfo: PtyExit | null = null;
  private exitedAtMs: number | null = null;
  private killTimers: Disposable[] = [];
  private resolveExited!: (exit: PtyExit) => void;

  constructor(private readonly init: TerminalSessionInit) {
    const { config, clock } = init;
    this.id = init.id;
    this.name = init.name;
    this.command = [...init.command];
    this.cwd = init.cwd;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.ring = new OutputRing(config.ringBytes);
    this.resizes = new ResizeLog(init.cols, init.rows);
    this.screen = new ScreenModel(this.ring, this.resizes, {
      scrollback: config.scrollbackLines,
      maxSnapshotBytes: config.maxSnapshotBytes,
      idleMs: config.screenIdleMs,
    }, clock);
    this.stream = new SessionStream(
      this.ring,
      this.resizes,
      this.screen,
      { pause: () => this.pty.pause(), resume: () => this.pty.resume() },
      () => this.info(),
      { clientBufferCap: config.clientBufferCap, coalesceMs: config.coalesceMs, maxFrameBytes: config.maxFrameBytes },
      clock,
      init.log,
    );
    this.pty = new PtySession({
      file: init.command[0],
      args: init.command.slice(1),
      cwd: init.cwd,
      env: init.env,
      cols: init.cols,
      rows: init.rows,
      clock,
      onData: (chunk) => {
        this.ring.append(chunk);
        this.screen.noteOutput();
        this.stream.onOutput();
      },
      onExit: (exit) => this.handleExit(exit),
    });
    this.createdAt = clock.now();
    if (!this.pty.tailDrain) init.log.warn('node-pty internals changed: output tails at exit may be lost', { session: this.id });
    if (!this.pty.slaveHeld && process.platform !== 'win32') init.log.warn('node-pty internals changed: a program that closes its stdio will be hung up', { session: this.id });
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  get exit(): PtyExit | null {
    return this.exitInfo;
  }

  info(): SessionInfo {
    const size = this.resizes.latest;
    return {
      id: this.id,
      name: this.name,
      command: [...this.command],
      cwd: this.cwd,
      pid: this.exitInfo === null ? this.pty.pid : null,
      state: this.exitInfo === null ? 'running' : 'exited',
      exitCode: this.exitInfo?.exitCode ?? null,
      signal: this.exitInfo?.signal ?? null,
      cols: size.cols,
      rows: size.rows,
      createdAt: new Date(this.createdAt).toISOString(),
      exitedAt: this.exitedAtMs === null ? null : new Date(this.exitedAtMs).toISOString(),
      clients: this.stream.clientCount,
      outputBytes: this.ring.end,
    };
  }

  /** Resize the PTY; the change is placed in the output stream at the current end. */
  resize(cols: number, rows: number): boolean {
    if (this.exitInfo !== null) return false;
    const latest = this.resizes.latest;
    if (latest.cols === cols && latest.rows === rows) return true;
    if (!this.pty.resize(cols, rows)) return false;
    this.resizes.prune(this.ring.start);
    this.resizes.record(this.ring.end, cols, rows);
    this.stream.onResize();
    return true;
  }

  write(data: string | Uint8Array): boolean {
    return this.exitInfo === null && this.pty.write(data);
  }

  /**
   * End the process: SIGTERM; if it is still running shortly after, SIGHUP (interactive shells
   * ignore SIGTERM, and SIGHUP, what a closing terminal sends, makes them hang up their jobs too);
   * SIGKILL after `graceMs`.
   */
  kill(graceMs: number): Promise<PtyExit> {
    if (this.exitInfo !== null) return Promise.resolve(this.exitInfo);
    if (this.killTimers.length === 0) {
      const { clock } = this.init;
      this.pty.kill('SIGTERM');
      this.killTimers.push(
        clock.setTimeout(() => this.pty.kill('SIGHUP'), Math.min(HANGUP_AFTER_MS, graceMs / 2)),
        clock.setTimeout(() => this.pty.kill('SIGKILL'), graceMs),
      );
    }
    return this.exited;
  }

  /** Close clients (4404), drop the screen model, SIGKILL the process if it still runs. */
  dispose(): void {
    this.stream.closeAll(TerminalSession.REMOVED_CLOSE_CODE, 'session removed');
    this.screen.dispose();
    this.cancelKillTimers();
    this.pty.dispose();
  }

  private cancelKillTimers(): void {
    for (const timer of this.killTimers.splice(0)) timer.dispose();
  }

  private handleExit(exit: PtyExit): void {
    this.exitInfo = exit;
    this.exitedAtMs = this.init.clock.now();
    this.cancelKillTimers();
    this.stream.onExit(exit);
    this.resolveExited(exit);
    this.init.onExit(this);
  }
}
