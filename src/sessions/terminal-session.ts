import type { Clock, Disposable, Logger, SessionInfo } from '../plugin-api';
import type { ForegroundProbe } from './foreground-probe';
import { OutputRing } from './output-ring';
import { AsciicastRecorder } from './asciicast-recorder';
import type { PtyFactory, PtyProcess } from './pty-process';
import { PtySession, type PtyExit } from './pty-session';
import { ResizeLog } from './resize-log';
import { ScreenModel } from './screen-model';
import { SessionStateTracker, type SessionStateChange } from './session-state-tracker';
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
  /** Where the PTY runs; default: node-pty in this process. */
  spawn?: PtyFactory;
  /** The session host's id when the PTY runs there. */
  hostId?: string;
  /** When the session was created (ms); default: now. */
  createdAt?: number;
  /** Record output here (in-process PTY) or note that the session host records it (`elsewhere`). */
  recording?: RecordingSpec | null;
  /** The recording stopped early (write error); the session goes on. */
  onRecordingStopped?(session: TerminalSession, message: string): void;
  /** A session that already ran elsewhere (adopted from the session host): its past. */
  adopted?: AdoptedPast;
  /** Reads the terminal's foreground process (null: not on this platform). */
  foregroundProbe?: ForegroundProbe | null;
  /** The session's title, activity, bell or last command changed (see SessionStateTracker). */
  onStateChange?(session: TerminalSession, change: SessionStateChange): void;
}

/** Where a session's recording goes. */
export interface RecordingSpec {
  file: string;
  maxBytes: number;
  /** Keep the file when the session is removed. */
  keep: boolean;
  /** The session host records (it sees output while no agent runs); this side only reports it. */
  elsewhere: boolean;
}

/** What a session brings along when a new agent adopts it from the session host. */
export interface AdoptedPast {
  createdAt: number;
  /** The ring's content: `bytes` start at absolute offset `ringStart`. */
  ringStart: number;
  bytes: Uint8Array;
  /** Size changes the ring covers, the one in effect at `ringStart` first. */
  resizes: ReadonlyArray<{ offset: number; cols: number; rows: number }>;
  /** Set when the process ended while no agent was connected. */
  exit: PtyExit | null;
  exitedAt: number | null;
}

/**
 * One terminal session: the PTY, its output ring, the lazy screen model and the client stream.
 * The PTY's data path is three calls: append to the ring, note output for the screen model,
 * let the stream send (leading edge) or coalesce.
 */
export class TerminalSession {
  /** Close code sent to attached clients when their session is removed. */
  static readonly REMOVED_CLOSE_CODE = 4404;
  /** Close code when the agent stops and the session goes on in the session host. */
  static readonly RESTART_CLOSE_CODE = 1012;
  /** Why the session ended without its process exiting (its session host died), else null. */
  lostReason: string | null = null;
  readonly id: string;
  name: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly createdAt: number;
  readonly ring: OutputRing;
  readonly resizes: ResizeLog;
  readonly screen: ScreenModel;
  readonly stream: SessionStream;
  /** Title, activity, foreground, last command: fed from the output path. */
  readonly state: SessionStateTracker;
  /** Resolves once the process exited and its output is all in the ring. */
  readonly exited: Promise<PtyExit>;
  private readonly pty: PtyProcess;
  private exitInfo: PtyExit | null = null;
  private recorder: AsciicastRecorder | null = null;
  private recordingActive = false;
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
    const past = init.adopted;
    if (past) {
      this.ring.startAt(past.ringStart);
      this.ring.append(past.bytes);
    }
    this.resizes = past && past.resizes.length > 0 ? ResizeLog.restore(past.resizes) : new ResizeLog(init.cols, init.rows);
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
      { clientBufferCap: config.clientBufferCap, coalesceMs: config.coalesceMs, maxFrameBytes: config.maxFrameBytes, freshReplayBytes: config.freshReplayBytes },
      clock,
      init.log,
    );
    this.state = SessionStateTracker.forSession(config, clock, init.foregroundProbe ?? null,
      () => (this.exitInfo === null ? this.pty.pid : null), (change) => init.onStateChange?.(this, change));
    if (past && config.stateDetection) this.state.restore(Buffer.from(past.bytes.buffer, past.bytes.byteOffset, past.bytes.byteLength));
    const recording = init.recording ?? null;
    this.recordingActive = recording !== null;
    if (recording && !recording.elsewhere && !past) {
      this.recorder = new AsciicastRecorder({
        file: recording.file, cols: init.cols, rows: init.rows, command: init.command.join(' '), title: init.name,
        maxBytes: recording.maxBytes, now: () => clock.now(),
        onStop: (stop) => this.recordingStopped(stop.message),
      });
    }
    const detect = config.stateDetection;
    const events = {
      onData: (chunk: Buffer) => {
        this.ring.append(chunk);
        this.recorder?.output(chunk);
        this.screen.noteOutput();
        this.stream.onOutput();
        if (detect) this.state.onOutput(chunk);
      },
      onExit: (exit: PtyExit) => this.handleExit(exit),
      onRecordingStopped: (message: string) => this.recordingStopped(message),
    };
    this.pty = (init.spawn ?? localPty(init))(events);
    this.createdAt = past?.createdAt ?? init.createdAt ?? clock.now();
    if (past?.exit) {
      // Ended while no agent was there: exited from the start, with the time it really ended.
      this.exitInfo = past.exit;
      this.exitedAtMs = past.exitedAt ?? clock.now();
      this.state.ended();
      this.stream.onExit(past.exit);
      this.resolveExited(past.exit);
    }
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
      hostId: this.init.hostId ?? null,
      lost: this.lostReason,
      recording: this.recordingActive,
      title: this.state.title,
      lastOutputAt: this.state.lastOutputAt === null ? null : new Date(this.state.lastOutputAt).toISOString(),
      active: this.state.active,
      foreground: this.exitInfo === null ? this.state.foreground : null,
      lastCommand: this.state.lastCommand,
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
    this.recorder?.resize(cols, rows);
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

  /**
   * The agent stops while the process goes on in the session host: close clients with 1012 (service
   * restart: come back and resume), drop the screen model, leave the process alone.
   */
  release(): void {
    this.recorder?.close();
    this.stream.closeAll(TerminalSession.RESTART_CLOSE_CODE, 'agent restarting; reconnect and resume');
    this.screen.dispose();
    this.state.dispose();
    this.cancelKillTimers();
    this.pty.release?.();
  }

  /** The session host died: the process is gone with it. */
  hostLost(): void {
    this.lostReason = 'the session host ended unexpectedly';
    this.pty.lost?.();
  }

  /** Close clients (4404), drop the screen model, SIGKILL the process if it still runs. */
  dispose(): void {
    if (this.init.recording?.keep) this.recorder?.close();
    else this.recorder?.remove();
    this.stream.closeAll(TerminalSession.REMOVED_CLOSE_CODE, 'session removed');
    this.screen.dispose();
    this.state.dispose();
    this.cancelKillTimers();
    this.pty.dispose();
  }

  private cancelKillTimers(): void {
    for (const timer of this.killTimers.splice(0)) timer.dispose();
  }

  private recordingStopped(message: string): void {
    if (!this.recordingActive) return;
    this.recordingActive = false;
    this.init.log.warn('recording stopped; the session goes on', { reason: message });
    // Later: this may run while the session is still being built (the file could not be opened).
    queueMicrotask(() => this.init.onRecordingStopped?.(this, message));
  }

  private handleExit(exit: PtyExit): void {
    this.recorder?.close();
    this.exitInfo = exit;
    this.exitedAtMs = this.init.clock.now();
    this.cancelKillTimers();
    this.state.ended();
    this.stream.onExit(exit);
    this.resolveExited(exit);
    this.init.onExit(this);
  }
}

/** node-pty in this process: the default when no session host is used. */
function localPty(init: TerminalSessionInit): PtyFactory {
  return (events) => {
    const pty = new PtySession({
      file: init.command[0],
      args: init.command.slice(1),
      cwd: init.cwd,
      env: init.env,
      cols: init.cols,
      rows: init.rows,
      clock: init.clock,
      onData: events.onData,
      onExit: events.onExit,
    });
    if (!pty.tailDrain) init.log.warn('node-pty internals changed: output tails at exit may be lost', { session: init.id });
    if (!pty.slaveHeld && process.platform !== 'win32') init.log.warn('node-pty internals changed: a program that closes its stdio will be hung up', { session: init.id });
    return pty;
  };
}
