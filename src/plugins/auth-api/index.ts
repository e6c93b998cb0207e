import { AuditLog, definePlugin, HttpRoutes, SessionManager, z } from '../../plugin-api';
import { ApiTokens } from '../shared/api-tokens';
import { AuthTokens } from '../shared/auth-tokens';
import { PasswordLogin } from '../shared/password-login';
import { WsTickets } from '../shared/ws-tickets';
import { addSessionRoutes } from './add-session-routes';
import { addShareRoutes } from './add-share-routes';
import { addTicketRoute } from './add-ticket-route';
import { addTokenRoutes } from './add-token-routes';

const configSchema = z.strictObject({
  /** Origin put into share links (e.g. a tunnel's `https://…`); default: the origin the request came from. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Share link lifetime when the request does not say. */
  shareDefaultMinutes: z.number().int().min(1).max(525_600).default(60),
  /** Longest share link lifetime allowed. */
  shareMaxMinutes: z.number().int().min(1).max(525_600).default(7 * 24 * 60),
});

/**
 * The HTTP side of authentication: `/api/auth/config|me|refresh|logout|ws-ticket`, `/api/tokens` and
 * share links, each added when the plugin behind it is active. The authenticators themselves add
 * no routes: they are part of the chain the HTTP server is built with, so they activate before it.
 */
export default definePlugin({
  id: 'auth-api',
  apiVersion: 1,
  description: 'Auth routes: config, me, refresh, logout, WebSocket tickets, API tokens, share links',
  requires: [HttpRoutes],
  optional: [AuthTokens, ApiTokens, WsTickets, PasswordLogin, SessionManager, AuditLog],
  config: configSchema,
  activate(ctx) {
    const http = ctx.get(HttpRoutes);
    const tokens = ctx.tryGet(AuthTokens);
    const audit = ctx.tryGet(AuditLog);
    const routes = [addSessionRoutes(http, { agent: ctx.agent, tokens, password: () => ctx.tryGet(PasswordLogin), audit })];
    const tickets = ctx.tryGet(WsTickets);
    if (tickets !== undefined) routes.push(addTicketRoute(http, tickets));
    const apiTokens = ctx.tryGet(ApiTokens);
    if (apiTokens !== undefined) routes.push(addTokenRoutes(http, apiTokens, () => ctx.clock.now(), audit));
    const sessions = ctx.tryGet(SessionManager);
    if (tokens !== undefined && sessions !== undefined) {
      routes.push(
        addShareRoutes(http, {
          tokens,
          sessions,
          publicUrl: ctx.config.publicUrl,
          localUrl: () => ctx.agent.localUrl(),
          defaultMinutes: Math.min(ctx.config.shareDefaultMinutes, ctx.config.shareMaxMinutes),
          maxMinutes: ctx.config.shareMaxMinutes,
          audit,
        }),
      );
    }
    for (const route of routes) ctx.onDispose(route);
  },
});
