import { ProtocolCodec, type WatchRequest } from '@tunnelforge/client';
import type { AgentEvent, Clock, Disposable, EventBus, Logger, WsConnection } from '../plugin-api';
import type { PtySessionManager } from './pty-session-manager';
import type { TerminalSession } from './terminal-session';

/** The preview knobs (from the sessions config). */
export interface PreviewOptions {
  /** At most one preview per session per interval (also the tick of each watcher). */
  previewIntervalMs: number;
  /** Preview bytes per second per connection, over all its sessions (a token bucket of one second). */
  previewBytesPerSecond: number;
}

/** A socket with this much queued gets no previews until it drains (state events still go). */
const MAX_BUFFERED_FOR_PREVIEW = 256 * 1024;

/** One connection's WATCH. */
interface Watch {
  connection: WsConnection;
  all: boolean;
  ids: Set<string>;
  previews: boolean;
  /** Output offset of the last preview sent, per session. */
  sent: Map<string, number>;
  /** Preview bytes the connection may still receive (refilled per second, may go below 0 by one preview). */
  tokens: number;
  refilledAt: number;
  /** Where the next tick starts in the session list, so a tight budget is shared round-robin. */
  cursor: number;
  timer: Disposable | null;
  busy: boolean;
}

/**
 * Many sessions on one socket (WATCH, docs/protocol.md §12): the `session.*` events of the watched
 * sessions as SESSION_EVENT frames, and throttled previews of their screens as PREVIEW frames.
 *
 * Previews: a timer per watching connection ticks every `previewIntervalMs`; a session gets a new
 * preview only when it had output since the last one, so an idle dashboard costs nothing but the tick.
 * The screen text comes from the session's lazy emulator (the one `GET /api/sessions/:id/text` uses);
 * a byte budget per connection (token bucket) and the socket's backlog bound what one client costs.
 * A credential bound to one session (a share link) watches that one only.
 */
export class SessionWatchHub implements Disposable {
  private readonly watches = new Map<WsConnection, Watch>();
  private readonly subscription: Disposable;

  constructor(
    private readonly manager: PtySessionManager,
    events: EventBus,
    private readonly options: PreviewOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.subscription = events.subscribe('session.*', (event) => this.onEvent(event));
  }

  /** WATCH: replace the connection's watch; answers WATCHING with the sessions it now follows. */
  watch(connection: WsConnection, request: WatchRequest): void {
    this.unwatch(connection);
    const watch: Watch = {
      connection,
      all: request.all === true,
      ids: new Set((request.sessionIds ?? []).filter((id) => this.visible(connection, id) && this.manager.session(id) !== undefined)),
      previews: request.previews !== false,
      sent: new Map(),
      tokens: this.options.previewBytesPerSecond,
      refilledAt: this.clock.now(),
      cursor: 0,
      timer: null,
      busy: false,
    };
    this.watches.set(connection, watch);
    connection.send(ProtocolCodec.watching(watch.all, this.watched(watch).map((session) => session.info())), true);
    if (watch.previews) {
      // The first previews at once: a dashboard that just opened shows every screen.
      void this.tick(watch);
      watch.timer = this.clock.setInterval(() => void this.tick(watch), this.options.previewIntervalMs);
    }
  }

  /** UNWATCH, or the connection closed. */
  unwatch(connection: WsConnection): void {
    const watch = this.watches.get(connection);
    if (watch === undefined) return;
    watch.timer?.dispose();
    this.watches.delete(connection);
  }

  /** Connections watching right now. */
  get size(): number {
    return this.watches.size;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const watch of this.watches.values()) watch.timer?.dispose();
    this.watches.clear();
  }

  private visible(connection: WsConnection, id: string): boolean {
    const only = connection.principal.sessionId;
    return only === undefined || only === id;
  }

  private follows(watch: Watch, id: string): boolean {
    return watch.all ? this.visible(watch.connection, id) : watch.ids.has(id);
  }

  private watched(watch: Watch): TerminalSession[] {
    const sessions: TerminalSession[] = [];
    if (watch.all) {
      for (const info of this.manager.list()) {
        const session = this.visible(watch.connection, info.id) ? this.manager.session(info.id) : undefined;
        if (session) sessions.push(session);
      }
    } else {
      for (const id of watch.ids) {
        const session = this.manager.session(id);
        if (session) sessions.push(session);
      }
    }
    return sessions;
  }

  private onEvent(event: AgentEvent): void {
    const id = (event.data as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    let frame: Uint8Array | null = null;
    for (const watch of this.watches.values()) {
      if (!this.follows(watch, id) || watch.connection.closed) continue;
      frame ??= ProtocolCodec.sessionEvent(event as never);
      watch.connection.send(frame, true);
      if (event.type === 'session.removed') {
        watch.sent.delete(id);
        watch.ids.delete(id);
      }
    }
  }

  /** One round of previews for a connection: sessions with new output, round-robin, within the budget. */
  private async tick(watch: Watch): Promise<void> {
    if (watch.busy || watch.connection.closed || this.watches.get(watch.connection) !== watch) return;
    const now = this.clock.now();
    const rate = this.options.previewBytesPerSecond;
    watch.tokens = Math.min(rate, watch.tokens + ((now - watch.refilledAt) * rate) / 1000);
    watch.refilledAt = now;
    const sessions = this.watched(watch);
    if (sessions.length === 0) return;
    watch.busy = true;
    try {
      const start = watch.cursor % sessions.length;
      for (let n = 0; n < sessions.length; n++) {
        if (watch.tokens <= 0 || watch.connection.bufferedAmount > MAX_BUFFERED_FOR_PREVIEW || watch.connection.closed) break;
        const session = sessions[(start + n) % sessions.length];
        const offset = session.ring.end;
        if (watch.sent.get(session.id) === offset) continue;
        // Catch the emulator up off the caller's stack (in slices when the backlog is large).
        await session.screen.prepare();
        if (this.watches.get(watch.connection) !== watch || this.manager.session(session.id) !== session) continue;
        const size = session.resizes.latest;
        const frame = ProtocolCodec.preview({ sessionId: session.id, outputBytes: offset, cols: size.cols, rows: size.rows, text: session.screen.text() });
        watch.connection.send(frame, true);
        watch.sent.set(session.id, offset);
        watch.tokens -= frame.length;
        watch.cursor = (start + n + 1) % sessions.length;
        // One session per event-loop turn: output, input and other sockets go on between previews.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.log.warn('session preview failed', { error: String(error) });
    } finally {
      watch.busy = false;
    }
  }
}
