import type { Clock } from '../../plugin-api';
import { AsciicastRecorder } from '../asciicast-recorder';
import { OutputRing } from '../output-ring';
import { PtySession, type PtyExit } from '../pty-session';
import { ResizeLog } from '../resize-log';
import type { HostCreateSpec, HostSessionState } from './host-messages';

/** What the host's server hears from one of its sessions. */
export interface HostSessionListener {
  onOutput(session: HostSession, chunk: Buffer): void;
  onExit(session: HostSession): void;
  onRecordingStopped(session: HostSession, message: string): void;
}

/**
 * One terminal session inside the session host: the PTY, and the output ring and size log that
 * outlive any agent connection. Output is always recorded here first; the agent gets it streamed,
 * or reads the ring when it adopts the session.
 */
export class HostSession {
  readonly ring: OutputRing;
  readonly resizes: ResizeLog;
  readonly createdAt: number;
  name: string;
  exit: PtyExit | null = null;
  exitedAt: number | null = null;
  /** Paused because the agent asked (its clients are slow); kept apart from socket backpressure. */
  agentPaused = false;
  private readonly pty: PtySession;
  private readonly recorder: AsciicastRecorder | null = null;

  constructor(
    readonly handle: number,
    readonly spec: HostCreateSpec,
    private readonly clock: Clock,
    private readonly listener: HostSessionListener,
  ) {
    this.name = spec.name;
    this.ring = new OutputRing(spec.ringBytes);
    this.resizes = new ResizeLog(spec.cols, spec.rows);
    this.createdAt = Number.isFinite(spec.createdAt) ? spec.createdAt : clock.now();
    if (spec.recording) {
      this.recorder = new AsciicastRecorder({
        file: spec.recording.file, cols: spec.cols, rows: spec.rows, command: spec.command.join(' '), title: spec.name,
        maxBytes: spec.recording.maxBytes, now: () => clock.now(),
        onStop: (stop) => listener.onRecordingStopped(this, stop.message),
      });
    }
    this.pty = new PtySession({
      file: spec.command[0],
      args: spec.command.slice(1),
      cwd: spec.cwd,
      env: spec.env,
      cols: spec.cols,
      rows: spec.rows,
      clock,
      onData: (chunk) => {
        this.ring.append(chunk);
        this.recorder?.output(chunk);
        this.listener.onOutput(this, chunk);
      },
      onExit: (exit) => {
        this.recorder?.close();
        this.exit = exit;
        this.exitedAt = this.clock.now();
        this.listener.onExit(this);
      },
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  get running(): boolean {
    return this.exit === null;
  }

  write(data: Uint8Array): void {
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    const latest = this.resizes.latest;
    if (latest.cols === cols && latest.rows === rows) return;
    if (!this.pty.resize(cols, rows)) return;
    this.resizes.prune(this.ring.start);
    this.resizes.record(this.ring.end, cols, rows);
    this.recorder?.resize(cols, rows);
  }

  pause(): void {
    this.pty.pause();
  }

  resume(): void {
    this.pty.resume();
  }

  kill(signal: NodeJS.Signals): boolean {
    return this.pty.kill(signal);
  }

  /** The session is removed: end it, and delete its recording unless it is to be kept. */
  dispose(): void {
    if (this.spec.recording?.keep) this.recorder?.close();
    else this.recorder?.remove();
    this.pty.dispose();
  }

  state(): HostSessionState {
    this.resizes.prune(this.ring.start);
    return {
      handle: this.handle,
      sessionId: this.spec.sessionId,
      name: this.name,
      command: [...this.spec.command],
      cwd: this.spec.cwd,
      createdAt: new Date(this.createdAt).toISOString(),
      exitedAt: this.exitedAt === null ? null : new Date(this.exitedAt).toISOString(),
      pid: this.running ? this.pty.pid : null,
      exit: this.exit,
      ringStart: this.ring.start,
      ringEnd: this.ring.end,
      ringBytes: this.spec.ringBytes,
      resizes: this.resizes.all().map(({ offset, cols, rows }) => ({ offset, cols, rows })),
      recording: this.recorder?.active === true,
    };
  }
}
