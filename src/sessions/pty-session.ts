import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as nodePty from 'node-pty';
import type { Clock, Disposable } from '../plugin-api';
import { holdPtySlave, type HeldPtySlave } from './hold-pty-slave';

/** How the PTY's process ended. */
export interface PtyExit {
  /** Exit code; null when ended by a signal. */
  exitCode: number | null;
  /** Signal name (`SIGKILL`) when ended by a signal. */
  signal: string | null;
}

export interface PtySessionOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  clock: Clock;
  /** Every output chunk, in order (a Buffer node-pty hands over; not reused). */
  onData(chunk: Buffer): void;
  /** Once, after the output has been drained completely. */
  onExit(exit: PtyExit): void;
  /** After node-pty reports exit, wait for this much output silence before calling `onExit`. */
  quietMs?: number;
  /** ...but never longer than this. */
  maxDrainMs?: number;
}

/** What node-pty's UnixTerminal keeps privately and the tail-drain fix and direct writes need. */
interface UnixTerminalInternals {
  _socket?: { destroy(...args: unknown[]): unknown; read(): unknown; destroyed?: boolean };
  _fd?: number;
  /** node-pty 1.1.0's write queue: writes go through `fs.write` (libuv's thread pool) in order. */
  _writeStream?: { _writeQueue?: unknown[] };
}

const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(osConstants.signals).map(([name, number]) => [number, name]),
);
const DRAIN_CHUNK = 64 * 1024;
const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * One node-pty process with Buffers (`encoding: null`), every call guarded: after exit, `write`,
 * `resize`, `pause`, `kill` are no-ops that return false instead of throwing (node-pty throws EBADF
 * on resize after exit; EIO at exit is EOF).
 *
 * Exit is reported only after ALL output has been delivered. node-pty 1.1.0 loses the tail of a
 * process that writes and exits at once (node-pty #72/#726), measured here for two reasons:
 *  1. libuv treats POLLHUP after a short read as EOF without reading again, but a PTY master hands
 *     out at most ~4 KiB per read while the kernel may still hold tens of KiB: node closes the fd
 *     on that false EOF and the rest is gone (3 of 20 runs of a 4 MB write lost 1.3-8 KiB).
 *  2. After the child exits node-pty destroys the socket after 200 ms if no EOF came; a paused PTY
 *     (flow control) loses everything still buffered (20 of 20 runs of a paused 5 KiB write).
 * Both end in `_socket.destroy()` while the master fd is still open, so this class wraps that one
 * call: first it flushes the stream's own buffer (`read()` emits it as 'data'), then it reads the
 * master fd synchronously until EIO/EAGAIN (the fd is non-blocking; after the slave side is gone
 * Linux returns the remaining bytes, then EIO), and only then lets the socket close.
 */
export class PtySession {
  readonly pid: number;
  private readonly pty: nodePty.IPty;
  private processGone = false;
  private exitReported = false;
  private pausedNow = false;
  private lastDataAt = 0;
  private drainTimer: Disposable | null = null;
  private readonly subscriptions: nodePty.IDisposable[] = [];
  private tailDrainInstalled = false;
  /** The agent's own hold on the slave side, so a program that closes its stdio is not hung up (see holdPtySlave). */
  private readonly slave: HeldPtySlave | null;

  constructor(private readonly options: PtySessionOptions) {
    this.pty = nodePty.spawn(options.file, options.args, {
      name: options.env.TERM ?? 'xterm-256color',
      cols: options.cols,
      rows: options.rows,
      cwd: options.cwd,
      env: options.env,
      encoding: null,
    });
    this.pid = this.pty.pid;
    this.slave = holdPtySlave(this.pty);
    this.installTailDrain();
    this.subscriptions.push(
      this.pty.onData((data) => this.deliver(data as unknown as Buffer)),
      this.pty.onExit((event) => this.onPtyExit(event.exitCode, event.signal ?? 0)),
    );
  }

  /** True once the process is gone and its output delivered. */
  get exited(): boolean {
    return this.exitReported;
  }

  /** Whether reading is paused (flow control). */
  get paused(): boolean {
    return this.pausedNow;
  }

  /** Whether the agent holds the slave side open (node-pty internals as expected). */
  get slaveHeld(): boolean {
    return this.slave !== null;
  }

  /** Whether the tail-drain fix could be installed (node-pty internals as expected). */
  get tailDrain(): boolean {
    return this.tailDrainInstalled;
  }

  write(data: string | Uint8Array): boolean {
    if (this.processGone) return false;
    try {
      const rest = this.writeNow(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      if (rest.length > 0) this.pty.write(rest);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Writes what the PTY takes right now, in this turn, and returns the rest for node-pty's queue.
   * node-pty writes through `fs.write`, a hop to libuv's thread pool and back for every keystroke:
   * two more thread wake-ups in the echo's path, each costing tens to hundreds of µs on a VM. The
   * master fd is non-blocking, so a direct write never blocks: it takes what fits (a keystroke, the
   * start of a paste) or fails with EAGAIN. Only when nothing is queued ahead, so order is kept.
   */
  private writeNow(buffer: Buffer): Buffer {
    const internals = this.pty as unknown as UnixTerminalInternals;
    const queue = internals._writeStream?._writeQueue;
    if (typeof internals._fd !== 'number' || !Array.isArray(queue) || queue.length > 0) return buffer;
    try {
      return buffer.subarray(fs.writeSync(internals._fd, buffer));
    } catch {
      return buffer; // EAGAIN (the PTY's input is full): the queue retries; other errors: node-pty reports them
    }
  }

  resize(cols: number, rows: number): boolean {
    if (this.processGone) return false;
    try {
      this.pty.resize(cols, rows);
      return true;
    } catch {
      return false;
    }
  }

  /** Stop reading from the PTY: the kernel buffer fills and the program blocks on write. */
  pause(): void {
    if (this.processGone || this.pausedNow) return;
    this.pausedNow = true;
    try {
      this.pty.pause();
    } catch {
      /* exited meanwhile */
    }
  }

  resume(): void {
    if (!this.pausedNow) return;
    this.pausedNow = false;
    try {
      this.pty.resume();
    } catch {
      /* exited meanwhile */
    }
  }

  /** Send a signal to the session's leader. */
  kill(signal: NodeJS.Signals): boolean {
    if (this.processGone) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Stop listening; kills the process (SIGKILL) if it still runs. For shutdown paths. */
  dispose(): void {
    if (!this.processGone) this.kill('SIGKILL');
    this.slave?.release();
    this.drainTimer?.dispose();
    this.drainTimer = null;
  }

  private deliver(chunk: Buffer): void {
    if (this.exitReported || chunk.length === 0) return;
    this.lastDataAt = this.options.clock.now();
    this.options.onData(chunk);
  }

  private onPtyExit(exitCode: number, signal: number): void {
    if (this.processGone) return;
    this.processGone = true;
    this.slave?.release(); // released when the child was reaped already; this is the safety net
    this.pausedNow = false;
    const exit: PtyExit = signal > 0
      ? { exitCode: null, signal: SIGNAL_NAMES[signal] ?? `SIG${signal}` }
      : { exitCode, signal: null };
    const socket = (this.pty as unknown as UnixTerminalInternals)._socket;
    // node-pty (unix) reports exit only after its socket closed: nothing more can arrive. Elsewhere
    // wait until output has been quiet for a moment.
    if (socket?.destroyed === true) return this.reportExit(exit);
    const startedAt = this.options.clock.now();
    const quietMs = this.options.quietMs ?? 30;
    const maxDrainMs = this.options.maxDrainMs ?? 500;
    const check = (): void => {
      const now = this.options.clock.now();
      const quietFor = now - this.lastDataAt;
      if (quietFor >= quietMs || now - startedAt >= maxDrainMs) return this.reportExit(exit);
      this.drainTimer = this.options.clock.setTimeout(check, Math.min(quietMs - quietFor, maxDrainMs - (now - startedAt)));
    };
    check();
  }

  private reportExit(exit: PtyExit): void {
    this.drainTimer = null;
    if (this.exitReported) return;
    this.exitReported = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.options.onExit(exit);
  }

  /** See the class comment: read what is left on the master fd before node-pty closes it. */
  private installTailDrain(): void {
    const internals = this.pty as unknown as UnixTerminalInternals;
    const socket = internals._socket;
    const fd = internals._fd;
    if (!socket || typeof socket.destroy !== 'function' || typeof socket.read !== 'function' || typeof fd !== 'number') return;
    const originalDestroy = socket.destroy;
    let drained = false;
    socket.destroy = (...args: unknown[]): unknown => {
      if (!drained) {
        drained = true;
        this.drainTail(socket, fd);
      }
      return originalDestroy.apply(socket, args);
    };
    this.tailDrainInstalled = true;
  }

  private drainTail(socket: NonNullable<UnixTerminalInternals['_socket']>, fd: number): void {
    try {
      // Chunks the stream read but has not emitted (it is paused): read() emits them as 'data'.
      while (socket.read() !== null) { /* delivered through onData */ }
    } catch {
      /* stream already torn down */
    }
    const scratch = Buffer.allocUnsafe(DRAIN_CHUNK);
    for (let total = 0; total < DRAIN_LIMIT;) {
      let n: number;
      try {
        n = fs.readSync(fd, scratch, 0, DRAIN_CHUNK, null);
      } catch {
        break; // EIO: the slave side is gone and empty; EAGAIN: nothing more right now; EBADF: closed
      }
      if (n <= 0) break;
      total += n;
      this.deliver(Buffer.from(scratch.subarray(0, n)));
    }
  }
}
