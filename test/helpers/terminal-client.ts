import { Terminal } from '@xterm/headless';
import type { ServerMessage } from '../../src/testkit/test-ws-client';
import type { MemoryWsConnection } from './memory-ws-connection';

/**
 * What a protocol-v1 client does with the server's frames, on a real @xterm/headless terminal:
 * SNAPSHOT resets the terminal and writes the screen, OUTPUT is written in order (its offset must
 * continue exactly where the previous frame ended), RESIZED resizes. Records the raw output bytes
 * and fails loudly on a gap or a duplicate.
 */
export class TerminalClient<C extends { onMessage(listener: (message: ServerMessage) => void): void } = MemoryWsConnection> {
  terminal: Terminal;
  /** Offset of the next expected output byte (null before ATTACHED/SNAPSHOT). */
  nextOffset: number | null = null;
  /** Output bytes received since the last snapshot (or attach), and where they started. */
  bytes: Buffer[] = [];
  bytesFrom = 0;
  snapshots = 0;
  exit: { exitCode: number | null; signal: string | null } | null = null;
  errors: string[] = [];
  problems: string[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(readonly connection: C, cols = 80, rows = 24) {
    this.terminal = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true, logLevel: 'off' });
    connection.onMessage((message) => this.apply(message));
  }

  get received(): Buffer {
    return Buffer.concat(this.bytes);
  }

  /** Visible lines once every write has been parsed. */
  async screen(): Promise<string[]> {
    await this.writes;
    await new Promise<void>((resolve) => this.terminal.write('', resolve));
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.terminal.rows; y++) lines.push(buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '');
    return lines;
  }

  dispose(): void {
    this.terminal.dispose();
  }

  private write(data: string | Uint8Array): void {
    const term = this.terminal;
    this.writes = this.writes.then(() => new Promise<void>((resolve) => term.write(data, resolve)));
  }

  private apply(message: ServerMessage): void {
    switch (message.type) {
      case 'attached':
        this.nextOffset = message.startOffset;
        this.bytesFrom = message.startOffset;
        break;
      case 'snapshot': {
        this.snapshots++;
        const { cols, rows } = message;
        const old = this.terminal;
        this.writes = this.writes.then(() => old.dispose());
        this.terminal = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true, logLevel: 'off' });
        this.write(message.data);
        this.nextOffset = message.offset;
        this.bytes = [];
        this.bytesFrom = message.offset;
        break;
      }
      case 'output':
        if (message.offset !== this.nextOffset) this.problems.push(`output at ${message.offset}, expected ${this.nextOffset}`);
        this.nextOffset = message.offset + message.data.length;
        this.bytes.push(Buffer.from(message.data));
        this.write(Buffer.from(message.data));
        break;
      case 'resized': {
        const term = this.terminal;
        this.writes = this.writes.then(() => term.resize(message.cols, message.rows));
        break;
      }
      case 'exit':
        this.exit = { exitCode: message.exitCode, signal: message.signal };
        break;
      case 'error':
        this.errors.push(message.code);
        break;
      case 'pong':
        break;
    }
  }
}
