import type { Logger, WsConnection, WsHandler } from '../plugin-api';
import type { PtySessionManager } from './pty-session-manager';
import { ProtocolCodec, type ClientMessage } from './protocol-codec';
import { SessionErrors } from './session-errors';
import { StreamClient } from './stream-client';
import type { TerminalSession } from './terminal-session';

/** Per-connection protocol state. */
interface ConnectionState {
  errorsInARow: number;
  session: TerminalSession | null;
  client: StreamClient | null;
}

/**
 * WebSocket protocol v1 (docs/protocol.md) on one endpoint: decodes frames, checks roles, and
 * drives the session streams. A connection is attached to at most one session at a time. Every
 * error is answered with an ERROR frame and the connection stays usable, until
 * `maxProtocolErrors` errors in a row close it with 4400.
 */
export class SessionSocketHandler implements WsHandler {
  /** Close code for a client that keeps sending invalid frames. */
  static readonly ABUSE_CLOSE_CODE = 4400;
  private readonly states = new Map<WsConnection, ConnectionState>();

  constructor(
    private readonly manager: PtySessionManager,
    private readonly log: Logger,
    private readonly maxProtocolErrors: number,
  ) {}

  open(connection: WsConnection): void {
    this.states.set(connection, { errorsInARow: 0, session: null, client: null });
  }

  message(connection: WsConnection, data: Buffer, isBinary: boolean): void {
    const state = this.stateOf(connection);
    const message = ProtocolCodec.decodeClient(data, isBinary);
    try {
      const error = this.handle(connection, state, message);
      if (error === null) state.errorsInARow = 0;
      else this.fail(connection, state, error.code, error.message);
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
    if (state) this.detach(state);
    this.states.delete(connection);
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
        this.detach(state);
        // The size a writer brings becomes the session's size (like a terminal window); viewers
        // adopt whatever the session has.
        if (sized && principal.role !== 'viewer' && session.running) this.manager.resize(session.id, message.cols!, message.rows!);
        state.session = session;
        state.client = new StreamClient(connection);
        this.manager.attachClient(session, state.client, message.offset);
        return null;
      }
      case 'detach':
        this.detach(state);
        return null;
      case 'pause':
      case 'resume':
        if (!state.session || !state.client) return notAttached();
        state.session.stream.setPaused(state.client, message.type === 'pause');
        return null;
      case 'input':
        if (!state.session) return notAttached();
        if (principal.role === 'viewer') return { code: 'TF_ERR_FORBIDDEN', message: 'viewers cannot send input' };
        if (message.data.length > 0) this.manager.write(state.session.id, message.data);
        return null;
      case 'resize':
        if (!state.session) return notAttached();
        if (principal.role === 'viewer') return { code: 'TF_ERR_FORBIDDEN', message: 'viewers cannot resize' };
        this.manager.resize(state.session.id, message.cols, message.rows);
        return null;
    }
  }

  private fail(connection: WsConnection, state: ConnectionState, code: string, message: string): void {
    state.errorsInARow++;
    if (connection.closed) return;
    connection.send(ProtocolCodec.error(code, message), true);
    if (state.errorsInARow >= this.maxProtocolErrors) connection.close(SessionSocketHandler.ABUSE_CLOSE_CODE, 'too many protocol errors');
  }

  private detach(state: ConnectionState): void {
    if (state.session && state.client) this.manager.detachClient(state.session, state.client);
    state.session = null;
    state.client = null;
  }

  private stateOf(connection: WsConnection): ConnectionState {
    let state = this.states.get(connection);
    if (state === undefined) {
      // Transports call open() first; be robust if one does not.
      state = { errorsInARow: 0, session: null, client: null };
      this.states.set(connection, state);
    }
    return state;
  }
}

function notAttached(): { code: string; message: string } {
  return { code: 'TF_ERR_NOT_ATTACHED', message: 'send ATTACH first' };
}
