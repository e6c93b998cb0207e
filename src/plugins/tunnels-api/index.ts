import { AuditLog, definePlugin, HttpRoutes, Settings, TunnelProvider, TunnelStatusChanged } from '../../plugin-api';
import { addTunnelRoutes } from './add-tunnel-routes';
import { autostartTunnels } from './autostart-tunnels';
import { tunnelsApiConfigSchema, tunnelsSettingsSection } from './tunnels-api-config';

/**
 * The REST surface and events of every active TunnelProvider: `GET /api/tunnels`,
 * `POST /api/tunnels/:id/start|stop`, `tunnel.status` events, and `autostart` from config. Tunnels
 * only ever forward to the agent's existing local URL; starting one never changes the agent's bind.
 */
export default definePlugin({
  id: 'tunnels-api',
  apiVersion: 1,
  description: 'REST API, events and autostart for tunnel providers',
  optional: [TunnelProvider, HttpRoutes, AuditLog, Settings],
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
    const providers = ctx.getAll(TunnelProvider);
    const audit = ctx.tryGet(AuditLog);
    // The run-time setting wins over the config file; unset, the config's list applies.
    const settings = ctx.tryGet(Settings)?.register(tunnelsSettingsSection);
    const autostart = () => settings?.get().autostart ?? ctx.config.autostart;
    autostartTunnels(autostart(), providers, ctx.agent.localUrl(), ctx.log, audit);
    if (!settings) return;
    ctx.onDispose(settings);
    ctx.onDispose(settings.subscribe((_value, previous) => {
      // A provider newly on the list starts now (start() of a running one returns its run); one taken off keeps running until stopped.
      const before = new Set(previous.autostart ?? ctx.config.autostart);
      const added = autostart().filter((id) => !before.has(id));
      autostartTunnels(added, providers, ctx.agent.localUrl(), ctx.log, audit);
    }));
  },
});
