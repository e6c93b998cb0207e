import { AuditLog, definePlugin, HttpRoutes, TunnelProvider, TunnelStatusChanged } from '../../plugin-api';
import { addTunnelRoutes } from './add-tunnel-routes';
import { autostartTunnels } from './autostart-tunnels';
import { tunnelsApiConfigSchema } from './tunnels-api-config';

/**
 * The REST surface and events of every active TunnelProvider: `GET /api/tunnels`,
 * `POST /api/tunnels/:id/start|stop`, `tunnel.status` events, and `autostart` from config. Tunnels
 * only ever forward to the agent's existing local URL; starting one never changes the agent's bind.
 */
export default definePlugin({
  id: 'tunnels-api',
  apiVersion: 1,
  description: 'REST API, events and autostart for tunnel providers',
  optional: [TunnelProvider, HttpRoutes, AuditLog],
  config: tunnelsApiConfigSchema,
  activate(ctx) {
    const providers = ctx.getAll(TunnelProvider);
    for (const provider of providers) ctx.onDispose(provider.onStatus((status) => ctx.events.publish(TunnelStatusChanged, status)));
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) for (const route of addTunnelRoutes(routes, providers, ctx.agent, ctx.tryGet(AuditLog))) ctx.onDispose(route);
    else ctx.log.debug('no HttpRoutes provider: /api/tunnels is not served');
  },
  // The agent listens by now, so the tunnels have a local URL to forward to.
  start(ctx) {
    autostartTunnels(ctx.config.autostart, ctx.getAll(TunnelProvider), ctx.agent.localUrl(), ctx.log, ctx.tryGet(AuditLog));
  },
});
