import type { SessionInfo } from '../http/api-schemas';
import { TunnelForgeError } from '../http/tunnelforge-error';
import { ProtocolCodec } from '../protocol/protocol-codec';
import type { PreviewFrame, SessionEventFrame, WatchingFrame } from '../protocol/server-frame';
import { Emitter } from '../util/emitter';
import { Backoff } from './backoff';
import type { ReconnectOptions, WebSocketAuth } from './terminal-connection';
import { openAgentSocket, WEB_SOCKET_OPEN, type WebSocketFactory, type WebSocketLike } from './web-socket-like';

const TOO_MANY_ERRORS = 4400;

export interface SessionWatcherOptions {
  /** `ws://host:port/ws` (or `wss://`). */
  url: string;
  /** Credentials for each connect and reconnect (a fresh ticket each time in a browser). */
  authenticate(): Promise<WebSocketAuth>;
  /** `'all'` (default): every session the credential may see, new ones included; or these ids. */
  sessions?: 'all' | string[];
  /** Receive screen previews (default true); false for state changes only. */
  previews?: boolean;
  /** Default: the global WebSocket (browsers). In Node 20: `nodeWebSocket` from `@tunnelforge/client/node`. */
  webSocket?: WebSocketFactory;
  reconnect?: Omit<ReconnectOptions, 'giveUpAfterMs'>;
}

export interface SessionWatcherEvents {
  /** The watched sessions changed (WATCHING after every connect, or an event): the whole list, current. */
  sessions: [sessions: SessionInfo[]];
  /** A session's screen as text (at most a few per second per session). */
  preview: [preview: PreviewFrame];
  /** A `session.*` event of a watched session (title, bell, activity, command-finished, created, exited, ...). */
  event: [event: SessionEventFrame['event']];
  /** `true` while connected and watching. */
  connected: [connected: boolean];
  error: [error: TunnelForgeError];
}

/**
 * Many sessions over one WebSocket (protocol v1 WATCH, docs/protocol.md §12): the session list kept
 * current from state events, and throttled screen previews, for dashboards and tray clients. It
 * reconnects with back-off by itself (sending WATCH again; the list is resent whole) until `close()`.
 */
export class SessionWatcher extends Emitter<SessionWatcherEvents> {
  /** The watched sessions as last known, by id. */
  readonly sessions = new Map<string, SessionInfo>();
  /** The last preview of each session. */
  readonly previews = new Map<string, PreviewFrame>();
  private socket: WebSocketLike | null = null;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;

  constructor(private readonly options: SessionWatcherOptions) {
    super();
    this.backoff = new Backoff(options.reconnect?.initialDelayMs ?? 250, options.reconnect?.maxDelayMs ?? 8_000);
  }

  /** Connect and watch; later drops reconnect by themselves. */
  start(): void {
    if (this.socket === null && this.retryTimer === null && !this.closed) void this.open();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket !== null) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      if (socket.readyState === WEB_SOCKET_OPEN) socket.send(ProtocolCodec.unwatch());
      if (socket.readyState <= WEB_SOCKET_OPEN) socket.close(1000, 'closed by the client');
    }
  }

  private async open(): Promise<void> {
    let auth: WebSocketAuth;
    try {
      auth = await this.options.authenticate();
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      this.emit('error', new TunnelForgeError('TF_ERR_CLIENT', `cannot authenticate: ${(error as Error).message}`));
      if (status === 401 || status === 403) return this.close();
      return this.retry();
    }
    if (this.closed) return;
    let socket: WebSocketLike;
    try {
      socket = openAgentSocket(this.options.webSocket, this.options.url, auth);
    } catch (error) {
      // A bad URL or no WebSocket at all: retrying will not help.
      this.emit('error', new TunnelForgeError('TF_ERR_CLIENT', `cannot open the WebSocket: ${(error as Error).message}`));
      return this.close();
    }
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      const wanted = this.options.sessions ?? 'all';
      socket.send(ProtocolCodec.watch({ ...(wanted === 'all' ? { all: true } : { sessionIds: wanted }), previews: this.options.previews ?? true }));
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.handle(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.emit('connected', false);
      const refusal = socket.refusal;
      if (refusal !== undefined && (refusal.status === 401 || refusal.status === 403)) {
        this.emit('error', refusal);
        return this.close();
      }
      if (event.code === TOO_MANY_ERRORS) {
        this.emit('error', new TunnelForgeError('TF_ERR_BAD_FRAME', 'closed by the agent: too many protocol errors'));
        return this.close();
      }
      this.retry();
    };
    socket.onerror = () => undefined;
  }

  private handle(data: unknown): void {
    let frame;
    try {
      frame = ProtocolCodec.decodeServer(data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer));
    } catch (error) {
      this.emit('error', new TunnelForgeError('TF_ERR_BAD_FRAME', `bad frame from the agent: ${(error as Error).message}`));
      return;
    }
    switch (frame.type) {
      case 'watching':
        return this.watching(frame);
      case 'preview':
        this.previews.set(frame.sessionId, frame);
        this.emit('preview', frame);
        return;
      case 'session-event':
        return this.event(frame.event);
      case 'error':
        this.emit('error', new TunnelForgeError(frame.code, frame.message));
        return;
      default:
        return;
    }
  }

  private watching(frame: WatchingFrame): void {
    this.backoff.reset();
    this.sessions.clear();
    for (const session of frame.sessions) this.sessions.set(session.id, session);
    for (const id of [...this.previews.keys()]) if (!this.sessions.has(id)) this.previews.delete(id);
    this.emit('connected', true);
    this.emit('sessions', [...this.sessions.values()]);
  }

  private event(event: SessionEventFrame['event']): void {
    const id = event.data.id;
    if (event.type === 'session.removed') {
      this.sessions.delete(id);
      this.previews.delete(id);
    } else {
      // The data is the session now; command-finished carries the finished command in `command` instead of argv.
      const { by: _by, count: _count, ...rest } = event.data as Record<string, unknown>;
      const before = this.sessions.get(id);
      const info = (event.type === 'session.command-finished' ? { ...before, ...rest, command: before?.command ?? [] } : rest) as unknown as SessionInfo;
      this.sessions.set(id, info);
    }
    this.emit('event', event);
    this.emit('sessions', [...this.sessions.values()]);
  }

  private retry(): void {
    if (this.closed) return;
    const delay = this.backoff.next();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.open();
    }, delay);
  }
}
