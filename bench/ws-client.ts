import { ProtocolCodec, type ServerFrame } from '@tunnelforge/client';
import WebSocket from 'ws';
import { wallMs, type AgentEndpoint } from './common';

/**
 * One protocol-v1 WebSocket client on the `ws` package, as a desktop client would connect:
 * `Authorization: Bearer <local token>`, no Origin header (non-browser clients send none; the
 * transport admits a missing Origin when no `Sec-Fetch-*` browser markers are present),
 * permessage-deflate off, binary frames. Frames are decoded with the one protocol codec
 * (@tunnelforge/client), the agent's own. Deliberately lower level than the package's
 * TerminalConnection: the benchmarks measure wire sizes and arrival times per frame and stall the
 * TCP socket on purpose.
 */
/** A decoded server frame; payloads are Buffers (views into the received message). */
export type ServerMessage = ServerFrame<Buffer>;

export class WsClient {
  /** Called for every decoded server frame with its wire size and arrival time (wall ms). */
  onMessage: (message: ServerMessage, wireBytes: number, at: number) => void = () => undefined;
  closed: { code: number; reason: string } | null = null;
  private closeWaiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const at = wallMs();
      if (!isBinary) return;
      this.onMessage(ProtocolCodec.decodeServer(data), data.length, at);
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const waiter of this.closeWaiters.splice(0)) waiter();
    });
    socket.on('error', () => undefined); // surfaced through close
  }

  static open(endpoint: AgentEndpoint, timeoutMs = 10_000): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(endpoint.wsUrl, {
        headers: { authorization: `Bearer ${endpoint.token}` },
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
      });
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  send(frame: Uint8Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame, { binary: true });
  }

  attach(sessionId: string, offset?: number): void {
    this.send(ProtocolCodec.attach(offset === undefined ? { sessionId } : { sessionId, offset }));
  }

  input(data: string | Uint8Array): void {
    this.send(ProtocolCodec.input(data));
  }

  /** Stop reading the TCP socket (a stalled client: the kernel buffers fill, then the server's). */
  stall(): void {
    (this.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  unstall(): void {
    (this.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(timeoutMs = 2000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      try {
        this.socket.close(1000);
      } catch {
        this.socket.terminate();
      }
    });
  }

  terminate(): void {
    this.socket.terminate();
  }
}
