import { definePlugin, HttpRoutes, Monitor, type Disposable } from '../../plugin-api';
import { addMonitorRoutes } from './add-monitor-routes';
import { monitorApiConfigSchema } from './monitor-api-config';
import { MonitorHub } from './monitor-hub';

/** The hub and routes of an active monitor-api, per kernel (keyed by the plugin's context). */
const running = new WeakMap<object, { hub: MonitorHub; disposables: Disposable[] }>();

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
    const state = { hub, disposables: [] as Disposable[] };
    running.set(ctx, state);
    await hub.start();
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) state.disposables.push(...addMonitorRoutes(routes, hub, ctx.config.intervalMs));
    else ctx.log.debug('no HttpRoutes provider: /api/monitor and /metrics are not served');
  },
  deactivate(ctx) {
    const state = running.get(ctx);
    if (!state) return;
    running.delete(ctx);
    for (const disposable of state.disposables) disposable.dispose();
    state.hub.stop();
  },
});
