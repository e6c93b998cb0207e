import { TunnelForgeError, ProtocolVersionError } from '../http/tunnelforge-error';
import { chunkUtf8 } from '../protocol/chunk-utf8';
import { Opcode } from '../protocol/opcode';
import { ProtocolCodec } from '../protocol/protocol-codec';
import { PROTOCOL_VERSION } from '../protocol/protocol-version';
import type { AttachedFrame, ExitFrame, ServerFrame, SnapshotFrame } from '../protocol/server-frame';
import { Emitter } from '../util/emitter';
import { Backoff } from './backoff';
import type { ConnectionState, EndReason } from './connection-state';
import { openAgentSocket, WEB_SOCKET_OPEN, type WebSocketFactory, type WebSocketLike } from './web-socket-like';

/** Largest INPUT payload sent in one frame (the agent accepts frames up to 1 MiB). */
export const MAX_INPUT_FRAME_BYTES = 64 * 1024;
/** Close codes after which reconnecting is pointless (docs/protocol.md §8). */
const SESSION_REMOVED = 4404;
const TOO_MANY_ERRORS = 4400;

/** What to offer on one connect: subprotocols (credential ones beside `tunnelforge.v1`) and headers. */
export interface WebSocketAuth {
  protocols?: string[];
  headers?: Record<string, string>;
}

export interface ReconnectOptions {
  /** First delay after a drop (doubling, ±20 % jitter). Default 250 ms. */
  initialDelayMs?: number;
  /** Longest delay between tries. Default 8 s. */
  maxDelayMs?: number;
  /** Give up when the connection could not be brought back for this long. Default 5 minutes; `Infinity` never gives up. */
  giveUpAfterMs?: number;
}

export interface TerminalConnectionOptions {
  /** `ws://host:port/ws` (or `wss://`). */
  url: string;
  sessionId: string;
  /** Credentials for each connect and reconnect (a fresh ticket each time in a browser). */
  authenticate(): Promise<WebSocketAuth>;
  /** Default: the global WebSocket (browsers). In Node 20: `nodeWebSocket` from `@tunnelforge/client/node`. */
  webSocket?: WebSocketFactory;
  /** A writer's terminal size, sent with every ATTACH (it resizes the session); null or absent for none. */
  size?: () => { cols: number; rows: number } | null;
  /** Resume the first attach from this offset instead of taking a snapshot (a client that kept its screen). */
  offset?: number;
  reconnect?: ReconnectOptions;
}

export interface TerminalConnectionEvents {
  state: [state: ConnectionState, detail: string | undefined];
  /** Every ATTACHED; `resumed` when the output continues from where this client was (no snapshot follows). */
  attached: [frame: AttachedFrame, resumed: boolean];
  /** Reset your terminal, resize it to `cols` × `rows`, write `data`. */
  snapshot: [frame: SnapshotFrame];
  /** Output bytes from `offset`: always the next ones, never a gap or a repeat. */
  output: [data: Uint8Array, offset: number];
  resized: [cols: number, rows: number];
  exit: [exit: ExitFrame];
  /** An ERROR frame from the agent, or a problem of this connection; the connection goes on unless `ended` follows. */
  error: [error: TunnelForgeError];
  /** Every frame in order (after the offset check), for clients that want one switch. */
  frame: [frame: ServerFrame];
  /** The connection stopped for good; `error` says why when it was not `close()`. */
  ended: [reason: EndReason, error: TunnelForgeError | null];
}

/**
 * One terminal session over a WebSocket (protocol v1, docs/protocol.md): ATTACH on every connect,
 * a SNAPSHOT on the first one (unless `offset`), then OUTPUT. After a drop it reconnects with
 * exponential back-off and ATTACHes with the offset of the next byte it needs, so output resumes
 * with no gap and no duplicate; when the agent no longer has that offset (it restarted) it takes
 * a fresh snapshot. It gives up after `giveUpAfterMs` without a connection, on 4404 (the session
 * was removed), on a refused credential and on another protocol version, and says why (`ended`).
 * Input is sent at once and never queued: keys typed while disconnected are dropped (`input`
 * returns 0), since typing blind into a shell is worse than typing again.
 */
export class TerminalConnection extends Emitter<TerminalConnectionEvents> {
  /** Offset of the next output byte this client needs; what a reconnect resumes from. */
  nextOffset: number | null;
  /** Bytes of OUTPUT received, and snapshots applied (counters for diagnostics and tests). */
  outputBytes = 0;
  snapshots = 0;
  /** ATTACHED frames that resumed from `nextOffset` (reconnects without a gap). */
  resumes = 0;
  /** The session as the last ATTACHED described it, and the role granted. */
  session: AttachedFrame['session'] | null = null;
  role: AttachedFrame['role'] | null = null;
  private currentState: ConnectionState = 'idle';
  private socket: WebSocketLike | null = null;
  private attached = false;
  private readonly backoff: Backoff;
  private readonly giveUpAfterMs: number;
  /** When the connection was lost (or first tried), while it is not attached. */
  private lostAt: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pings = new Map<number, { sent: number; resolve(rttMs: number): void; reject(error: Error): void }>();
  private pingSeq = 0;
  private firstAttach: Promise<AttachedFrame> | null = null;

  constructor(private readonly options: TerminalConnectionOptions) {
    super();
    this.nextOffset = options.offset ?? null;
    this.backoff = new Backoff(options.reconnect?.initialDelayMs ?? 250, options.reconnect?.maxDelayMs ?? 8_000);
    this.giveUpAfterMs = options.reconnect?.giveUpAfterMs ?? 5 * 60_000;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  get isAttached(): boolean {
    return this.attached;
  }

  /**
   * Connect and attach. Resolves with the first ATTACHED; rejects with the reason if the connection
   * ends before that. Later drops are handled inside (watch `state`). Calling it again returns the same promise.
   */
  connect(): Promise<AttachedFrame> {
    if (this.firstAttach === null && this.currentState === 'ended') return Promise.reject(new TunnelForgeError('TF_ERR_CLOSED', 'this connection was closed; make a new one'));
    if (this.firstAttach === null) {
      this.firstAttach = new Promise<AttachedFrame>((resolve, reject) => {
        const offAttached = this.once('attached', (frame) => {
          offEnded();
          resolve(frame);
        });
        const offEnded = this.once('ended', (reason, error) => {
          offAttached();
          reject(error ?? new TunnelForgeError('TF_ERR_CLOSED', `connection ${reason} before it attached`));
        });
      });
      this.firstAttach.catch(() => undefined); // the caller may not wait for it; `ended` tells the rest
      this.lostAt = Date.now();
      this.setState('connecting');
      void this.open();
    }
    return this.firstAttach;
  }

  /** Send typed or pasted text, or raw bytes, as INPUT (≤ 64 KiB a frame, text split between characters). Returns the bytes sent: 0 while detached. */
  input(data: string | Uint8Array): number {
    const socket = this.socket;
    if (!this.attached || socket === null) return 0;
    let sent = 0;
    const chunks = typeof data === 'string' ? chunkUtf8(data, MAX_INPUT_FRAME_BYTES) : splitBytes(data, MAX_INPUT_FRAME_BYTES);
    for (const chunk of chunks) {
      socket.send(ProtocolCodec.input(chunk));
      sent += chunk.length;
    }
    return sent;
  }

  /** Ask for a size (writers; the agent's resize policy decides, and RESIZED tells everyone). */
  resize(cols: number, rows: number): void {
    if (this.attached) this.socket?.send(ProtocolCodec.resize(cols, rows));
  }

  /** Stop the output to this client (it no longer holds the shell back); `resume()` continues where it stopped. */
  pause(): void {
    if (this.attached) this.socket?.send(ProtocolCodec.control(Opcode.PAUSE));
  }

  resume(): void {
    if (this.attached) this.socket?.send(ProtocolCodec.control(Opcode.RESUME));
  }

  /** Round trip of a PING frame through the agent, in ms. */
  ping(): Promise<number> {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WEB_SOCKET_OPEN) return Promise.reject(new TunnelForgeError('TF_ERR_NOT_CONNECTED', 'not connected'));
    const seq = ++this.pingSeq >>> 0;
    const payload = new Uint8Array(4);
    new DataView(payload.buffer).setUint32(0, seq);
    return new Promise((resolve, reject) => {
      this.pings.set(seq, { sent: performance.now(), resolve, reject });
      socket.send(ProtocolCodec.ping(payload));
    });
  }

  /**
   * Drop the socket as a network loss would (no close handshake), then reconnect and resume as
   * after any drop. For trying out reconnects; a real client never needs it.
   */
  drop(): void {
    const socket = this.socket;
    if (socket !== null) this.lost(socket, 'dropped on purpose');
  }

  /** Stop for good: DETACH and close. */
  close(): void {
    this.end('closed', null);
  }

  private async open(): Promise<void> {
    let auth: WebSocketAuth;
    try {
      auth = await this.options.authenticate();
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 401 || status === 403) return this.end('unauthorized', asError(error));
      return this.retry(`cannot authenticate: ${(error as Error).message}`);
    }
    if (this.currentState === 'ended') return;
    let socket: WebSocketLike;
    try {
      socket = openAgentSocket(this.options.webSocket, this.options.url, auth);
    } catch (error) {
      return this.end('closed', asError(error));
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket === socket) this.sendAttach(socket, this.nextOffset);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.handle(socket, event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      const refusal = socket.refusal;
      if (refusal !== undefined) {
        // The upgrade was answered with an error: a refused credential will not get better by retrying.
        if (refusal.status === 401 || refusal.status === 403) return this.end('unauthorized', refusal);
        this.emit('error', refusal);
        return this.lost(socket, `upgrade refused: ${refusal.status} ${refusal.code}`);
      }
      if (event.code === SESSION_REMOVED) return this.end('session-gone', new TunnelForgeError('TF_ERR_SESSION_NOT_FOUND', 'the session was removed'));
      if (event.code === TOO_MANY_ERRORS) return this.end('protocol-errors', new TunnelForgeError('TF_ERR_BAD_FRAME', `closed by the agent: ${event.reason || 'too many protocol errors'}`));
      this.lost(socket, `connection lost (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
    };
    socket.onerror = () => undefined; // a close follows and says the rest
  }

  private sendAttach(socket: WebSocketLike, offset: number | null): void {
    const size = this.options.size?.() ?? null;
    socket.send(ProtocolCodec.attach({ sessionId: this.options.sessionId, ...(offset === null ? {} : { offset }), ...(size ?? {}) }));
  }

  private handle(socket: WebSocketLike, data: unknown): void {
    let frame: ServerFrame;
    try {
      if (!(data instanceof ArrayBuffer) && !(data instanceof Uint8Array)) throw new Error('text frame');
      frame = ProtocolCodec.decodeServer(data instanceof Uint8Array ? data : new Uint8Array(data));
    } catch (error) {
      this.emit('error', new TunnelForgeError('TF_ERR_BAD_FRAME', `bad frame from the agent: ${(error as Error).message}`));
      return this.lost(socket, 'bad frame from the agent');
    }
    switch (frame.type) {
      case 'attached': {
        if (frame.protocol !== PROTOCOL_VERSION) return this.end('protocol-mismatch', new ProtocolVersionError(frame.protocol, PROTOCOL_VERSION));
        const resumed = this.nextOffset !== null && frame.startOffset === this.nextOffset;
        this.attached = true;
        this.nextOffset = frame.startOffset;
        this.session = frame.session;
        this.role = frame.role;
        this.lostAt = null;
        if (resumed) this.resumes++;
        this.backoff.reset();
        this.emit('frame', frame);
        this.emit('attached', frame, resumed);
        this.setState('attached');
        return;
      }
      case 'snapshot':
        this.snapshots++;
        this.nextOffset = frame.offset;
        this.emit('frame', frame);
        this.emit('snapshot', frame);
        return;
      case 'output':
        if (!this.attached) return; // re-attaching after a gap: the old stream's tail is moot
        if (frame.offset !== this.nextOffset) {
          // A gap or a repeat would be a bug somewhere: start over from a snapshot rather than show it.
          this.attached = false;
          this.nextOffset = null;
          this.sendAttach(socket, null);
          return;
        }
        this.nextOffset = frame.offset + frame.data.length;
        this.outputBytes += frame.data.length;
        this.emit('frame', frame);
        this.emit('output', frame.data, frame.offset);
        return;
      case 'resized':
        if (this.session !== null) this.session = { ...this.session, cols: frame.cols, rows: frame.rows };
        this.emit('frame', frame);
        this.emit('resized', frame.cols, frame.rows);
        return;
      case 'exit':
        this.emit('frame', frame);
        this.emit('exit', frame);
        return;
      case 'pong': {
        if (frame.payload.length === 4) {
          const seq = new DataView(frame.payload.buffer, frame.payload.byteOffset, 4).getUint32(0);
          const pending = this.pings.get(seq);
          this.pings.delete(seq);
          pending?.resolve(performance.now() - pending.sent);
        }
        this.emit('frame', frame);
        return;
      }
      case 'error':
        if (frame.code === 'TF_ERR_BAD_OFFSET' && !this.attached) {
          // Not an offset of this session (the agent restarted): take the current screen instead.
          this.nextOffset = null;
          this.sendAttach(socket, null);
          return;
        }
        this.emit('frame', frame);
        this.emit('error', new TunnelForgeError(frame.code, frame.message));
        if (frame.code === 'TF_ERR_SESSION_NOT_FOUND' && !this.attached) this.end('session-gone', new TunnelForgeError(frame.code, frame.message));
        return;
    }
  }

  /** The socket is gone (or must go): reconnect with back-off. */
  private lost(socket: WebSocketLike, reason: string): void {
    if (this.socket !== socket) return;
    this.release();
    // As a network loss would: no close handshake where the implementation can skip it (ws).
    const terminate = (socket as { terminate?: () => void }).terminate;
    if (socket.readyState <= WEB_SOCKET_OPEN) {
      if (typeof terminate === 'function') terminate.call(socket);
      else socket.close(4000, 'reconnecting');
    }
    this.lostAt ??= Date.now();
    this.retry(reason);
  }

  private retry(reason: string): void {
    if (this.currentState === 'ended') return;
    const delay = this.backoff.next();
    const down = Date.now() - (this.lostAt ?? Date.now());
    if (down + delay > this.giveUpAfterMs) {
      return this.end('gave-up', new TunnelForgeError('TF_ERR_RECONNECT_GAVE_UP', `gave up reconnecting after ${Math.round(down / 1000)} s: ${reason}`));
    }
    this.setState('reconnecting', `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.open();
    }, delay);
  }

  private end(reason: EndReason, error: TunnelForgeError | null): void {
    if (this.currentState === 'ended') return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.release();
    if (socket !== null && socket.readyState === WEB_SOCKET_OPEN) {
      socket.send(ProtocolCodec.control(Opcode.DETACH));
      socket.close(1000, 'closed by the client');
    } else if (socket !== null && socket.readyState < WEB_SOCKET_OPEN) socket.close();
    this.setState('ended', error?.message ?? reason);
    this.emit('ended', reason, error);
  }

  /** Forget the current socket (its events are ignored from now on); the caller closes it. */
  private release(): WebSocketLike | null {
    const socket = this.socket;
    this.socket = null;
    this.attached = false;
    for (const pending of this.pings.values()) pending.reject(new TunnelForgeError('TF_ERR_NOT_CONNECTED', 'connection lost'));
    this.pings.clear();
    if (socket !== null) socket.onopen = socket.onmessage = socket.onclose = null;
    return socket;
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.currentState = state;
    this.emit('state', state, detail);
  }
}

function splitBytes(bytes: Uint8Array, max: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += max) chunks.push(bytes.subarray(at, at + max));
  return chunks;
}

function asError(error: unknown): TunnelForgeError {
  if (error instanceof TunnelForgeError) return error;
  return new TunnelForgeError('TF_ERR_CLIENT', error instanceof Error ? error.message : String(error));
}
