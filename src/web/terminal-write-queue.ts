import type { Terminal } from '@xterm/xterm';

type Step = { kind: 'write'; data: Uint8Array } | { kind: 'call'; fn: () => void };

/**
 * Keeps the server's frames in order on an xterm.js terminal. `term.write` is queued inside xterm,
 * but `reset()` and `resize()` act at once: a SNAPSHOT or RESIZED must wait until the bytes before
 * it are parsed. Writes are handed to xterm immediately otherwise (no added latency). Also tracks
 * the bytes xterm has not parsed yet, for flow control (PAUSE above a high watermark).
 */
export class TerminalWriteQueue {
  /** Bytes handed to xterm and not parsed yet. */
  pendingBytes = 0;
  private pendingWrites = 0;
  private readonly steps: Step[] = [];

  constructor(private readonly terminal: Terminal, private readonly onParsed: (bytes: number) => void = () => undefined) {}

  write(data: Uint8Array): void {
    if (this.steps.length > 0) this.steps.push({ kind: 'write', data });
    else this.hand(data);
  }

  /** Run `fn` once everything written before it has been parsed. */
  barrier(fn: () => void): void {
    if (this.steps.length === 0 && this.pendingWrites === 0) fn();
    else {
      this.steps.push({ kind: 'call', fn });
      this.drain();
    }
  }

  private hand(data: Uint8Array): void {
    this.pendingWrites++;
    this.pendingBytes += data.length;
    this.terminal.write(data, () => {
      this.pendingWrites--;
      this.pendingBytes -= data.length;
      this.onParsed(data.length);
      this.drain();
    });
  }

  private drain(): void {
    while (this.steps.length > 0) {
      const step = this.steps[0];
      if (step.kind === 'call') {
        if (this.pendingWrites > 0) return;
        this.steps.shift();
        step.fn();
      } else {
        this.steps.shift();
        this.hand(step.data);
      }
    }
  }
}
