import { performance } from 'node:perf_hooks';
import { ProtocolCodec } from '@tunnelforge/client';
import { actorOf, type Logger, type WsConnection, type WsHandler } from '../plugin-api';
import { checkClientFrame } from './client-frame-limits';
import { ErrorBudget } from './error-budget';
import type { PtySessionManager } from './pty-session-manager';
import { decodeClientMessage, type ClientMessage } from './client-message';
import { SessionErrors } from './session-errors';
import type { SessionWatchHub } from './session-watch-hub';
import { SizeArbiter, type TerminalSize } from './size-arbiter';
import { StreamClient } from './stream-client';
import type { TerminalSession } from './terminal-session';

/** Protocol errors forgiven per second (see ErrorBudget). */
const ERRORS_FORGIVEN_PER_SECOND = 1;

/** Per-connection protocol state. */
interface ConnectionState {
  /** Errors this connection may still make before it is closed with 4400. */
  errors: ErrorBudget;
  session: TerminalSession | null;
  client: StreamClient | null;
}

/**
 * WebSocket protocol v1 (docs/protocol.md) on one endpoint: decodes frames, checks roles, and
 * drives the session streams. A connection is attached to at most one session at a time. Every
 * error is answered with an ERROR frame and the connection stays usable, until its error budget
 * (`maxProtocolErrors` in a burst, one more per second; an oversized control frame costs ten) is
 * spent: then it is closed with 4400 and that is logged, once. Control frames over their size
 * limit (client-frame-limits.ts) are refused before they are decoded.
 */
export class SessionSocketHandler implements WsHandler {
  /** Close code for a client that keeps sending invalid frames. */
  static readonly ABUSE_CLOSE_CODE = 4400;
  private readonly states = new Map<WsConnection, ConnectionState>();
  /** The resize policy of each session that has writers attached (see SizeArbiter). */
  private readonly arbiters = new WeakMap<TerminalSession, SizeArbiter>();

  constructor(
    private readonly manager: PtySessionManager,
    private readonly log: Logger,
    private readonly maxProtocolErrors: number,
    /** Monotonic milliseconds (the error budget's refill). */
    private readonly now: () => number = () => performance.now(),
    /** WATCH / UNWATCH (many sessions on one socket); without it they are answered TF_ERR_UNKNOWN_OPCODE. */
    private readonly watchHub: SessionWatchHub | null = null,
  ) {}

  open(connection: WsConnection): void {
    this.states.set(connection, this.newState());
  }

  /** Before the transport copies a frame: refuse (and answer) what must not be decoded. */
  refuse(connection: WsConnection, data: Buffer, isBinary: boolean): boolean {
    const refused = isBinary ? checkClientFrame(data) : null;
    if (refused === null) return false;
    if (!connection.closed) this.fail(connection, this.stateOf(connection), refused.code, refused.message, refused.cost);
    return true;
  }

  message(connection: WsConnection, data: Buffer, isBinary: boolean): void {
    const state = this.stateOf(connection);
    if (connection.closed) return;
    // Transports that do not call refuse() first: the same checks, before decoding.
    if (this.refuse(connection, data, isBinary)) return;
    const message = decodeClientMessage(data, isBinary);
    try {
      const error = this.handle(connection, state, message);
      if (error !== null) this.fail(connection, state, error.code, error.message);
    } catch (error) {
      const known = error as { code?: unknown; message?: unknown };
      if (typeof known.code === 'string' && known.code.startsWith('TF_ERR_')) {
        this.fail(connection, state, known.code, String(known.message));
      } else {
        this.log.error('websocket message failed', { error: String(error) });
        this.fail(connection, state, 'TF_ERR_INTERNAL', 'internal error');
      }
    }
  }

  drain(connection: WsConnection): void {
    const state = this.states.get(connection);
    if (state?.session && state.client) state.session.stream.drain(state.client);
  }

  close(connection: WsConnection): void {
    const state = this.states.get(connection);
    if (state) this.detach(connection, state);
    this.states.delete(connection);
    this.watchHub?.unwatch(connection);
  }

  /** Handle one decoded frame; returns the error to answer, or null. */
  private handle(connection: WsConnection, state: ConnectionState, message: ClientMessage): { code: string; message: string } | null {
    const principal = connection.principal;
    switch (message.type) {
      case 'error':
        return message;
      case 'ping':
        connection.send(ProtocolCodec.pong(message.payload), true);
        return null;
      case 'attach': {
        // A principal bound to one session sees no other (same answer as for an unknown id).
        const visible = principal.sessionId === undefined || principal.sessionId === message.sessionId;
        const session = visible ? this.manager.session(message.sessionId) : undefined;
        if (session === undefined) return { code: 'TF_ERR_SESSION_NOT_FOUND', message: `no session ${JSON.stringify(message.sessionId.slice(0, 64))}` };
        if (message.offset !== undefined && message.offset > session.ring.end) {
          return { code: 'TF_ERR_BAD_OFFSET', message: `offset ${message.offset} is beyond the output end ${session.ring.end}` };
        }
        const sized = message.cols !== undefined || message.rows !== undefined;
        if (sized && !SessionErrors.isValidSize(message.cols, message.rows)) {
          return { code: 'TF_ERR_BAD_SIZE', message: SessionErrors.badSize(message.cols, message.rows).message };
        }
        this.detach(connection, state);
        // A writer that attaches becomes the active writer: the size it brings becomes the
        // session's size (like a terminal window). Viewers adopt whatever the session has.
        if (principal.role !== 'viewer') {
          this.apply(session, this.arbiterOf(session).attach(connection, sized ? { cols: message.cols!, rows: message.rows! } : undefined), connection);
        }
        state.session = session;
        state.client = new StreamClient(connection);
        this.manager.attachClient(session, state.client, message.offset, actorOf(principal));
        return null;
      }
      case 'detach':
        this.detach(connection, state);
        return null;
      case 'watch':
        if (this.watchHub === null) return { code: 'TF_ERR_UNKNOWN_OPCODE', message: 'WATCH is not available here' };
        this.watchHub.watch(connection, message);
        return null;
      case 'unwatch':
        this.watchHub?.unwatch(connection);
        return null;
      case 'pause':
      case 'resume':
        if (!state.session || !state.client) return notAttached();
        state.session.stream.setPaused(state.client, message.type === 'pause');
        return null;
      case 'input':
        if (!state.session) return notAttached();
        if (principal.role === 'viewer') return { code: 'TF_ERR_FORBIDDEN', message: 'viewers cannot send input' };
        if (message.data.length === 0) return null;
        // Typing makes this writer the active one: its window size applies before its keys.
        this.apply(state.session, this.arbiterOf(state.session).activity(connection), connection);
        this.manager.write(state.session.id, message.data);
        return null;
      case 'resize':
        if (!state.session) return notAttached();
        if (principal.role === 'viewer') return { code: 'TF_ERR_FORBIDDEN', message: 'viewers cannot resize' };
        if (!SessionErrors.isValidSize(message.cols, message.rows)) throw SessionErrors.badSize(message.cols, message.rows);
        if (!state.session.running) throw SessionErrors.exited(state.session.id);
        // Applied only from the active writer; anyone else's size waits until they type.
        this.apply(state.session, this.arbiterOf(state.session).request(connection, { cols: message.cols, rows: message.rows }), connection);
        return null;
    }
  }

  private fail(connection: WsConnection, state: ConnectionState, code: string, message: string, cost = 1): void {
    if (connection.closed) return;
    connection.send(ProtocolCodec.error(code, message), true);
    if (state.errors.spend(cost)) return;
    // Logged here only: the connection closes, so this happens once per connection.
    const { principal } = connection;
    this.log.warn('websocket closed: too many protocol errors', {
      connection: connection.id, principal: principal.id, role: principal.role, via: principal.via, remoteAddress: connection.remoteAddress, lastError: code,
    });
    connection.close(SessionSocketHandler.ABUSE_CLOSE_CODE, 'too many protocol errors');
  }

  private detach(connection: WsConnection, state: ConnectionState): void {
    const session = state.session;
    if (session && state.client) this.manager.detachClient(session, state.client, actorOf(connection.principal));
    state.session = null;
    state.client = null;
    // The active writer left: the next most recently active writer's size comes back.
    if (session) this.apply(session, this.arbiters.get(session)?.detach(connection) ?? null, connection);
  }

  private arbiterOf(session: TerminalSession): SizeArbiter {
    let arbiter = this.arbiters.get(session);
    if (arbiter === undefined) {
      arbiter = new SizeArbiter();
      this.arbiters.set(session, arbiter);
    }
    return arbiter;
  }

  /** Resize the session to what the policy decided (nothing for null, or once it exited); `cause` acted. */
  private apply(session: TerminalSession, size: TerminalSize | null, cause: WsConnection): void {
    if (size === null || !session.running || this.manager.session(session.id) !== session) return;
    this.manager.resize(session.id, size.cols, size.rows, actorOf(cause.principal));
  }

  private stateOf(connection: WsConnection): ConnectionState {
    let state = this.states.get(connection);
    if (state === undefined) {
      // Transports call open() first; be robust if one does not.
      state = this.newState();
      this.states.set(connection, state);
    }
    return state;
  }

  private newState(): ConnectionState {
    return { errors: new ErrorBudget(this.maxProtocolErrors, ERRORS_FORGIVEN_PER_SECOND, this.now), session: null, client: null };
  }
}

function notAttached(): { code: string; message: string } {
  return { code: 'TF_ERR_NOT_ATTACHED', message: 'send ATTACH first' };
}
