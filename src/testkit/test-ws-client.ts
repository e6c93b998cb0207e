import { ProtocolCodec, type ServerFrame } from '@tunnelforge/client';
import WebSocket from 'ws';
import { readUpgradeRefusal } from './read-upgrade-refusal';

/** A decoded server frame (protocol v1); payloads are Buffers, views into the received message. */
export type ServerMessage = ServerFrame<Buffer>;

/** The ATTACHED frame: the session, the role the server granted and where output starts. */
export type AttachedMessage = Extract<ServerMessage, { type: 'attached' }>;

/** How to open a {@link TestWsClient}. */
export interface TestWsConnectOptions {
  /** Bearer token sent as `Authorization` (the way desktop clients and scripts connect); none when null. */
  token: string | null;
  /** `Origin` header; none by default (a non-browser client). A foreign one is refused, as in a browser. */
  origin?: string;
  /** Subprotocols to offer; default `['tunnelforge.v1']`. */
  protocols?: string[];
  /** Extra upgrade headers. */
  headers?: Record<string, string>;
  /** Give up on the upgrade after this long (default 10 s). */
  timeoutMs?: number;
}

/** A refused WebSocket upgrade: the HTTP status and the `TF_ERR_*` code of the answer. */
export class WsUpgradeRefused extends Error {
  constructor(readonly status: number, readonly code: string | null) {
    super(`WebSocket upgrade refused: ${status}${code === null ? '' : ` ${code}`}`);
    this.name = 'WsUpgradeRefused';
  }
}

/**
 * A real WebSocket client speaking protocol v1 (docs/protocol.md) with `@tunnelforge/client`'s codec
 * (the agent's own): it attaches to sessions, sends input, records every decoded server frame and
 * collects output as text. Lower level than the package's TerminalConnection on purpose: tests see
 * every frame and can send malformed ones.
 */
export class TestWsClient {
  /** Every server frame received, decoded, in order. */
  readonly messages: ServerMessage[] = [];
  /** Set once the socket closed: the close code and reason. */
  closed: { code: number; reason: string } | null = null;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly socket: WebSocket,
    /** The subprotocol the server confirmed (`tunnelforge.v1`). */
    readonly protocol: string,
  ) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(ProtocolCodec.decodeServer(data));
      this.notify();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
  }

  /** Open `url` (`ws://…/ws`); rejects with {@link WsUpgradeRefused} when the server says no. */
  static connect(url: string, options: TestWsConnectOptions): Promise<TestWsClient> {
    const headers: Record<string, string> = { ...(options.token === null ? {} : { authorization: `Bearer ${options.token}` }), ...options.headers };
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options.protocols ?? ['tunnelforge.v1'], {
        headers,
        origin: options.origin,
        perMessageDeflate: false,
        handshakeTimeout: options.timeoutMs ?? 10_000,
      });
      socket.binaryType = 'nodebuffer';
      let client: TestWsClient | undefined;
      socket.once('upgrade', (res) => {
        // Listen from the very first frame: the server may send one right after the upgrade.
        client = new TestWsClient(socket, String(res.headers['sec-websocket-protocol'] ?? ''));
      });
      socket.once('open', () => resolve(client!));
      socket.once('unexpected-response', (_req, res) => {
        void readUpgradeRefusal(res).then(({ status, code }) => {
          socket.terminate();
          reject(new WsUpgradeRefused(status, code));
        });
      });
      socket.once('error', (error) => {
        if (client === undefined) reject(error);
      });
    });
  }

  /** Attach to a session (from `offset`, default: the server's choice) and wait for ATTACHED. */
  async attach(sessionId: string, options: { offset?: number; cols?: number; rows?: number; timeoutMs?: number } = {}): Promise<AttachedMessage> {
    const { timeoutMs, ...request } = options;
    const from = this.messages.length;
    this.send(ProtocolCodec.attach({ sessionId, ...request }));
    const reply = await this.waitFor((m) => m.type === 'attached' || m.type === 'error', timeoutMs, from);
    if (reply.type === 'error') throw new Error(`attach to ${sessionId} refused: ${reply.code}: ${reply.message}`);
    return reply as AttachedMessage;
  }

  /** Send keystrokes (INPUT); needs a writer role on the session. */
  input(text: string | Uint8Array): void {
    this.send(ProtocolCodec.input(text));
  }

  /** Ask for a PTY size (RESIZE). */
  resize(cols: number, rows: number): void {
    this.send(ProtocolCodec.resize(cols, rows));
  }

  /** Send a raw frame (to test what the server does with odd ones). */
  send(frame: Uint8Array): void {
    this.socket.send(frame, { binary: true });
  }

  /** All output received so far (SNAPSHOT and OUTPUT payloads in order), as UTF-8 text. */
  text(): string {
    return Buffer.concat(this.messages.flatMap((m) => (m.type === 'output' || m.type === 'snapshot' ? [m.data] : []))).toString('utf8');
  }

  /** Resolve with the output text once it contains `expected`; reject after `timeoutMs` (default 10 s) with what was seen. */
  waitForText(expected: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const matches = () => (typeof expected === 'string' ? this.text().includes(expected) : expected.test(this.text()));
    return this.until(matches, timeoutMs, () => `output never contained ${String(expected)}; output so far: ${JSON.stringify(this.text().slice(-500))}`).then(() => this.text());
  }

  /** The first frame from index `from` on (default 0: seen or future) matching `predicate`. */
  async waitFor(predicate: (message: ServerMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<ServerMessage> {
    let found: ServerMessage | undefined;
    const matches = () => (found = this.messages.slice(from).find(predicate)) !== undefined;
    await this.until(matches, timeoutMs, () => `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
    return found!;
  }

  /** Close normally and wait for the close handshake. */
  close(): Promise<void> {
    if (this.closed !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
      // A server that never answers the close frame must not hang the test.
      setTimeout(() => this.socket.terminate(), 2000).unref();
    });
  }

  /** Drop the connection without a close handshake (a network loss). */
  terminate(): void {
    this.socket.terminate();
  }

  private until(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition()) done(null);
        else if (this.closed !== null) done(new Error(`socket closed (${this.closed.code} ${this.closed.reason}): ${describe()}`));
      };
      const timer = setTimeout(() => done(new Error(describe())), timeoutMs);
      const done = (error: Error | null) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
