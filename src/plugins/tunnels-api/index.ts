import { definePlugin, HttpRoutes, TunnelProvider, TunnelStatusChanged, type Disposable } from '../../plugin-api';
import { addTunnelRoutes } from './add-tunnel-routes';
import { autostartTunnels } from './autostart-tunnels';
import { tunnelsApiConfigSchema } from './tunnels-api-config';

/** Subscriptions and routes of an active tunnels-api, per kernel (keyed by the plugin's context). */
const running = new WeakMap<object, Disposable[]>();

/**
 * The REST surface and events of every active TunnelProvider: `GET /api/tunnels`,
 * `POST /api/tunnels/:id/start|stop`, `tunnel.status` events, and `autostart` from config. Tunnels
 * only ever forward to the agent's existing local URL; starting one never changes the agent's bind.
 */
export default definePlugin({
  id: 'tunnels-api',
  apiVersion: 1,
  description: 'REST API, events and autostart for tunnel providers',
  optional: [TunnelProvider, HttpRoutes],
  config: tunnelsApiConfigSchema,
  activate(ctx) {
    const providers = ctx.getAll(TunnelProvider);
    const disposables: Disposable[] = [];
    running.set(ctx, disposables);
    for (const provider of providers) disposables.push(provider.onStatus((status) => ctx.events.publish(TunnelStatusChanged, status)));
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) disposables.push(...addTunnelRoutes(routes, providers, ctx.agent));
    else ctx.log.debug('no HttpRoutes provider: /api/tunnels is not served');
    disposables.push(autostartTunnels(ctx.config.autostart, providers, ctx.agent, ctx.events, ctx.log));
  },
  deactivate(ctx) {
    for (const disposable of (running.get(ctx) ?? []).reverse()) disposable.dispose();
    running.delete(ctx);
  },
});
