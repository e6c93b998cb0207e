import { defineCapability, type Principal } from '../../plugin-api';

/** Subprotocol prefix that carries a WebSocket ticket: `tunnelforge.ticket.<ticket>`. */
export const TICKET_SUBPROTOCOL_PREFIX = 'tunnelforge.ticket.';

/**
 * Short-lived, single-use WebSocket tickets (provided by the built-in `auth-ws-ticket` plugin).
 * Browsers cannot set headers on a WebSocket, and a long-lived token must not travel in a URL, so a
 * page trades its access token for a ticket over HTTP and offers it as a subprotocol.
 */
export interface WsTickets {
  /** A ticket that admits `principal` once, within the ticket lifetime. */
  issue(principal: Principal): { ticket: string; expiresAt: string };
}
export const WsTickets = defineCapability<WsTickets>('WsTickets');
