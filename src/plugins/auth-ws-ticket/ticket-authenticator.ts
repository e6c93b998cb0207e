import type { AuthRequest, AuthResult, Authenticator } from '../../plugin-api';
import { sessionScopeAllows } from '../shared/session-scope-allows';
import { TICKET_SUBPROTOCOL_PREFIX } from '../shared/ws-tickets';
import type { TicketStore } from './ticket-store';

/**
 * Admits a WebSocket upgrade that offers a `tunnelforge.ticket.<ticket>` subprotocol with a valid,
 * unused, unexpired ticket (a browser's way in: it cannot set headers on a WebSocket). Tickets are
 * looked for on upgrades only, and only in the subprotocol header, never in the URL. A ticket that
 * does not check out is denied, not passed, so a replay gets a clear 401.
 */
export class TicketAuthenticator implements Authenticator {
  readonly id = 'auth-ws-ticket';

  constructor(private readonly store: TicketStore) {}

  authenticate(request: AuthRequest): AuthResult {
    if (request.surface !== 'ws') return { kind: 'pass' };
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((entry) => entry.trim());
    const entry = offered.find((value) => value.startsWith(TICKET_SUBPROTOCOL_PREFIX));
    if (entry === undefined) return { kind: 'pass' };
    const principal = this.store.redeem(entry.slice(TICKET_SUBPROTOCOL_PREFIX.length));
    if (principal === null) return { kind: 'deny', status: 401, code: 'TF_ERR_BAD_TICKET', message: 'The WebSocket ticket is unknown, used or expired; get a new one' };
    if (principal.sessionId !== undefined && !sessionScopeAllows(request.path, principal.sessionId)) {
      return { kind: 'deny', status: 403, code: 'TF_ERR_FORBIDDEN', message: 'This ticket is limited to one session' };
    }
    return { kind: 'allow', principal };
  }
}
