import type { WebSocketAuth, WebSocketTicket } from '@tunnelforge/client';
import type { ApiClient } from './api-client';

/**
 * What the page offers on each WebSocket connect. Browsers cannot set headers on a WebSocket and a
 * token must never travel in a URL, so before every connect the page trades its bearer token for a
 * single-use ticket (`POST /api/auth/ws-ticket`, valid 30 s, narrowed to the session) and offers it
 * as the subprotocol `tunnelforge.ticket.<ticket>` (the connection puts `tunnelforge.v1` first).
 */
export async function ticketAuth(api: ApiClient, sessionId?: string): Promise<WebSocketAuth> {
  // Without a session: the ticket may WATCH every session the credential sees (the session list).
  const { ticket } = await api.json<WebSocketTicket>('POST', '/api/auth/ws-ticket', sessionId === undefined ? {} : { sessionId });
  return { protocols: [`tunnelforge.ticket.${ticket}`] };
}
