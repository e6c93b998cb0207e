import type { Logger } from '../../plugin-api';
import type { PtyEvents, PtyFactory, PtyProcess } from '../pty-process';
import type { HostClient } from './host-client';

/**
 * A PTY that lives in the session host. Output arrives with absolute offsets; bytes the session
 * already has (a ring dump and live output overlap at adoption) are skipped, so the agent's stream
 * continues at exactly the host's offset.
 */
export class HostedPty implements PtyProcess {
  private next: number;
  private ended = false;

  constructor(
    private readonly host: HostClient,
    readonly handle: number,
    readonly pid: number,
    /** The offset of the next byte the session expects (its ring's end). */
    startOffset: number,
    private readonly events: PtyEvents,
    private readonly log: Logger,
  ) {
    this.next = startOffset;
    // Bound on the next microtask: the session that asked for this PTY is fully built and
    // registered by then, so output or an exit buffered since create/adopt finds it ready.
    queueMicrotask(() => {
      if (this.ended) return;
      host.bind(handle, {
        onOutput: (offset, data) => this.deliver(offset, data),
        onExit: (exit) => this.exit(exit.exitCode, exit.signal),
        onRecordingStopped: (message) => this.events.onRecordingStopped?.(message),
      });
    });
  }

  /** A factory for `TerminalSession`: binds to an existing host session. */
  static factory(host: HostClient, handle: number, pid: number, startOffset: number, log: Logger): PtyFactory {
    return (events) => new HostedPty(host, handle, pid, startOffset, events, log);
  }

  write(data: string | Uint8Array): boolean {
    if (this.ended) return false;
    return this.host.input(this.handle, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  resize(cols: number, rows: number): boolean {
    if (this.ended) return false;
    return this.host.resize(this.handle, cols, rows);
  }

  pause(): void {
    if (!this.ended) this.host.pause(this.handle);
  }

  resume(): void {
    if (!this.ended) this.host.resume(this.handle);
  }

  kill(signal: NodeJS.Signals): boolean {
    if (this.ended) return false;
    const known = signal === 'SIGTERM' || signal === 'SIGHUP' || signal === 'SIGKILL' ? signal : 'SIGKILL';
    this.host.kill(this.handle, known).catch((error: unknown) => this.log.warn('kill through the session host failed', { error: String(error) }));
    return true;
  }

  /** The session is removed: the host forgets it (killing it if it still runs). */
  dispose(): void {
    this.host.remove(this.handle).catch(() => undefined);
  }

  /** The agent stops but the session goes on in the host: only stop listening. */
  release(): void {
    this.host.unbind(this.handle);
  }

  /** The host is gone: report the session ended. */
  lost(): void {
    this.exit(null, null);
  }

  private deliver(offset: number, data: Buffer): void {
    if (this.ended) return;
    let chunk = data;
    if (offset < this.next) {
      if (offset + chunk.length <= this.next) return;
      chunk = chunk.subarray(this.next - offset);
    } else if (offset > this.next) {
      // Never expected (one ordered socket); say so rather than shift every later offset silently.
      this.log.error('output gap from the session host', { handle: this.handle, expected: this.next, got: offset });
    }
    this.next = offset + data.length;
    this.events.onData(chunk);
  }

  private exit(exitCode: number | null, signal: string | null): void {
    if (this.ended) return;
    this.ended = true;
    this.host.unbind(this.handle);
    this.events.onExit({ exitCode, signal });
  }
}
