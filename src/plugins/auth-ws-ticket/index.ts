import { Authenticator, CredentialRevoked, definePlugin, z } from '../../plugin-api';
import { WsTickets } from '../shared/ws-tickets';
import { TicketAuthenticator } from './ticket-authenticator';
import { TicketStore } from './ticket-store';

const configSchema = z.strictObject({
  /** Ticket lifetime: long enough to open a socket right after asking, short enough to be useless if copied. */
  ttlSeconds: z.number().int().min(1).max(300).default(30),
  /** Unused tickets kept at most (memory bound). */
  maxOutstanding: z.number().int().min(10).max(1_000_000).default(10_000),
});

/**
 * Single-use, 30-second WebSocket tickets: `POST /api/auth/ws-ticket` (added by `auth-api`) trades
 * the caller's credential for one, and the browser offers it as the subprotocol
 * `tunnelforge.ticket.<ticket>` next to `tunnelforge.v1`. No long-lived token ever goes in a URL.
 */
export default definePlugin({
  id: 'auth-ws-ticket',
  apiVersion: 1,
  description: 'Single-use WebSocket tickets (subprotocol tunnelforge.ticket.<t>) for browsers',
  provides: [Authenticator, WsTickets],
  config: configSchema,
  register(reg, config) {
    reg.provide(WsTickets, { create: () => new TicketStore(config.ttlSeconds * 1000, config.maxOutstanding) });
    reg.provide(Authenticator, { deps: { tickets: WsTickets }, create: ({ tickets }) => new TicketAuthenticator(tickets as TicketStore) });
  },
  activate(ctx) {
    const store = ctx.get(WsTickets) as TicketStore;
    ctx.onDispose(() => store.close());
    store.open(() => ctx.clock.now());
    // A ticket asked for with a credential that has since been revoked must not open a socket.
    ctx.onDispose(ctx.events.subscribe(CredentialRevoked, (event) => store.forget(event.data.credential)));
  },
});
