import WebSocket from 'ws';
import { ProtocolCodec } from '@tunnelforge/client';

/**
 * A protocol v1 client that records a session's output stream exactly: every OUTPUT must start at
 * the offset it expects (no gap, no duplicate), and it resumes from there on a new agent.
 */
export class StreamRecorder {
  readonly chunks: Buffer[] = [];
  nextOffset = 0;
  exit: { exitCode: number | null; signal: string | null } | null = null;
  snapshots = 0;
  problems: string[] = [];
  closeCode: number | null = null;
  private socket: WebSocket | null = null;

  constructor(readonly sessionId: string) {}

  get bytes(): number {
    return this.nextOffset;
  }

  /** Connect to `wsUrl` and ATTACH from `nextOffset` (the very first attach from 0: the whole stream). */
  connect(wsUrl: string, token: string): Promise<void> {
    this.closeCode = null;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
      socket.binaryType = 'nodebuffer';
      this.socket = socket;
      socket.once('open', () => socket.send(ProtocolCodec.attach({ sessionId: this.sessionId, offset: this.nextOffset })));
      socket.once('error', reject);
      socket.on('close', (code) => (this.closeCode = code));
      socket.on('message', (data: Buffer) => {
        const message = ProtocolCodec.decodeServer(data);
        if (message.type === 'attached') {
          if (message.startOffset !== this.nextOffset) this.problems.push(`attached at ${message.startOffset}, expected ${this.nextOffset}`);
          resolve();
        } else if (message.type === 'output') {
          if (message.offset !== this.nextOffset) this.problems.push(`output at ${message.offset}, expected ${this.nextOffset}`);
          this.chunks.push(Buffer.from(message.data));
          this.nextOffset = message.offset + message.data.length;
        } else if (message.type === 'snapshot') {
          this.snapshots++;
        } else if (message.type === 'exit') {
          this.exit = { exitCode: message.exitCode, signal: message.signal };
        } else if (message.type === 'error') {
          this.problems.push(`${message.code}: ${message.message}`);
          reject(new Error(`${message.code}: ${message.message}`));
        }
      });
    });
  }

  /** Wait until the stream reached `bytes` or ended. */
  async waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out at ${this.nextOffset} bytes (exit ${JSON.stringify(this.exit)}, problems ${this.problems.join('; ')})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Wait until the socket is closed (the agent died or stopped). */
  waitClosed(timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.closeCode !== null || this.socket?.readyState === WebSocket.CLOSED, timeoutMs);
  }

  all(): Buffer {
    return Buffer.concat(this.chunks);
  }

  close(): void {
    this.socket?.terminate();
  }
}
