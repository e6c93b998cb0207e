import type { ApiClient } from './api-client';

/** The application subprotocol, offered first (the server confirms it, never a credential). */
const PROTOCOL = 'tunnelforge.v1';

/**
 * `Sec-WebSocket-Protocol` values for one connection. Browsers cannot set headers on a WebSocket
 * and a token must never travel in a URL, so before every connect the page trades its bearer
 * token for a single-use ticket (`POST /api/auth/ws-ticket`, valid 30 s, narrowed to the session)
 * and offers it as `tunnelforge.ticket.<ticket>`.
 */
export async function webSocketProtocols(api: ApiClient, sessionId: string): Promise<string[]> {
  const { ticket } = await api.json<{ ticket: string }>('POST', '/api/auth/ws-ticket', { sessionId });
  return [PROTOCOL, `tunnelforge.ticket.${ticket}`];
}
