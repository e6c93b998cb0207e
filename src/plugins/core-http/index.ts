import { AgentInfo, Authenticator, definePlugin, HttpRoutes, Logger, PlatformInfo, ServerListening, WebSocketRoutes } from '../../plugin-api';
import { TransportConfig } from '../../transport/transport-config';
import { UwsServer } from '../../transport/uws-server';
import { registerAgentRoutes } from './agent-routes';
import { closeRevokedConnections } from './close-revoked-connections';
import { readinessGate } from './readiness-gate';
import { trustTunnelOrigins } from './trust-tunnel-origins';

/**
 * The agent's HTTP + WebSocket server (uWebSockets.js) on the configured host and port. Provides
 * `HttpRoutes` and `WebSocketRoutes` to other plugins; every route sits behind the Authenticator chain.
 * It listens in its `start`, after every plugin has activated (and added its routes), so no client
 * ever sees the agent half-built.
 */
export default definePlugin({
  id: 'core-http',
  apiVersion: 1,
  description: 'HTTP, SSE and WebSocket server (uWebSockets.js)',
  required: true,
  provides: [HttpRoutes, WebSocketRoutes],
  optional: [Authenticator],
  config: TransportConfig,
  register(reg, config) {
    reg.provide(HttpRoutes, {
      deps: { log: Logger, agent: AgentInfo, authenticators: Authenticator },
      create: ({ log, agent, authenticators }) =>
        new UwsServer({ host: agent.host, port: agent.port, log, authenticators: () => authenticators, options: config }),
    });
    // One server behind both capabilities.
    reg.provide(WebSocketRoutes, { deps: { http: HttpRoutes }, create: ({ http }) => http as UwsServer });
  },
  activate(ctx) {
    const server = ctx.get(HttpRoutes) as UwsServer;
    // Closed last (steps run newest first): routes and origin grants go before the server.
    ctx.onDispose(() => server.close());
    ctx.onDispose(server.setGate(readinessGate(ctx.agent)));
    ctx.onDispose(registerAgentRoutes(server, ctx.agent, ctx.get(PlatformInfo)));
    ctx.onDispose(trustTunnelOrigins(server, ctx.events));
    ctx.onDispose(closeRevokedConnections(server, ctx.events, ctx.log));
  },
  async start(ctx) {
    const server = ctx.get(HttpRoutes) as UwsServer;
    const { url } = await server.listen();
    ctx.events.publish(ServerListening, { url });
  },
});
