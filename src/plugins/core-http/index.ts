import { AgentInfo, Authenticator, definePlugin, HttpRoutes, Logger, PlatformInfo, WebSocketRoutes, type Disposable } from '../../plugin-api';
import { SERVER_LISTENING_EVENT } from '../../kernel/agent-info';
import { TransportConfig } from '../../transport/transport-config';
import { UwsServer } from '../../transport/uws-server';
import { registerAgentRoutes } from './agent-routes';
import { trustTunnelOrigins } from './trust-tunnel-origins';

/** Keeps per-server state that the plugin object (a constant) cannot hold. */
const routesOf = new WeakMap<UwsServer, Disposable>();

/**
 * The agent's HTTP + WebSocket server (uWebSockets.js) on the configured host and port. Provides
 * `HttpRoutes` and `WebSocketRoutes` to other plugins; every route sits behind the Authenticator chain.
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
  async activate(ctx) {
    const server = ctx.get(HttpRoutes) as UwsServer;
    const routes = registerAgentRoutes(server, ctx.agent, ctx.get(PlatformInfo));
    const origins = trustTunnelOrigins(server, ctx.events);
    routesOf.set(server, { dispose: () => (routes.dispose(), origins.dispose()) });
    const { url } = await server.listen();
    ctx.events.publish(SERVER_LISTENING_EVENT, { url });
  },
  async deactivate(ctx) {
    const server = ctx.tryGet(HttpRoutes) as UwsServer | undefined;
    if (!server) return;
    routesOf.get(server)?.dispose();
    await server.close();
  },
});
