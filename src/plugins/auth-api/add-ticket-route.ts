import { HttpError, z, type Disposable, type HttpRoutes } from '../../plugin-api';
import type { WsTickets } from '../shared/ws-tickets';
import { NO_STORE } from './no-store';

// `.default({})`: a bare POST asks for a ticket as wide as the caller.
const ticketBody = z.object({ sessionId: z.string().min(1).max(200).optional() }).default({});

/**
 * `POST /api/auth/ws-ticket` (viewer): a single-use WebSocket ticket for the caller, narrowed to one
 * session when `sessionId` is given. A caller already limited to a session cannot widen that.
 */
export function addTicketRoute(http: HttpRoutes, tickets: WsTickets): Disposable {
  return http.add({
    method: 'POST',
    path: '/api/auth/ws-ticket',
    access: 'viewer',
    maxBodyBytes: 4096,
    schema: { body: ticketBody, response: z.object({ ticket: z.string(), expiresAt: z.string() }) },
    doc: { summary: 'A single-use WebSocket ticket (30 s) for the subprotocol tunnelforge.ticket.<ticket>', tags: ['auth'] },
    handler(request) {
      const principal = request.principal!;
      const wanted = request.body.sessionId;
      if (wanted !== undefined && principal.sessionId !== undefined && wanted !== principal.sessionId) {
        throw new HttpError(403, 'TF_ERR_FORBIDDEN', 'This credential is limited to another session');
      }
      const sessionId = wanted ?? principal.sessionId;
      const narrowed = { ...principal, via: 'auth-ws-ticket', ...(sessionId === undefined ? {} : { sessionId }) };
      return { json: tickets.issue(narrowed), headers: NO_STORE };
    },
  });
}
