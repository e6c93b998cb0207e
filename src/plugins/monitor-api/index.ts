import { definePlugin, HttpRoutes, Monitor } from '../../plugin-api';
import { addMonitorRoutes } from './add-monitor-routes';
import { monitorApiConfigSchema } from './monitor-api-config';
import { MonitorHub } from './monitor-hub';

/**
 * Samples every active Monitor on an interval and serves the results: `GET /api/monitor`,
 * `GET /api/monitor/stream` (SSE), `GET /metrics` (Prometheus), and `monitor.sample` events.
 */
export default definePlugin({
  id: 'monitor-api',
  apiVersion: 1,
  description: 'Samples monitors; GET /api/monitor, /api/monitor/stream and /metrics',
  optional: [Monitor, HttpRoutes],
  config: monitorApiConfigSchema,
  async activate(ctx) {
    const hub = new MonitorHub(ctx.getAll(Monitor), { clock: ctx.clock, events: ctx.events, log: ctx.log, intervalMs: ctx.config.intervalMs });
    ctx.onDispose(() => hub.stop());
    await hub.start();
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) for (const route of addMonitorRoutes(routes, hub, ctx.config.intervalMs)) ctx.onDispose(route);
    else ctx.log.debug('no HttpRoutes provider: /api/monitor and /metrics are not served');
  },
});
