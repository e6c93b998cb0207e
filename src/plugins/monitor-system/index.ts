import { Clock, definePlugin, Monitor, PlatformInfo, SessionManager } from '../../plugin-api';
import { monitorSystemConfigSchema } from './monitor-system-config';
import { SystemMonitor } from './system-monitor';

/** Monitors this plugin created, so activate/deactivate touch exactly their own. */
const created = new WeakSet<Monitor>();

/**
 * Host, session and agent metrics as the `system` Monitor, read with systeminformation (static
 * facts once, cheap calls per sample, expensive ones rarely) and /proc on Linux.
 */
export default definePlugin({
  id: 'monitor-system',
  apiVersion: 1,
  description: 'Host, per-session and agent metrics (systeminformation, /proc on Linux)',
  provides: [Monitor],
  optional: [SessionManager],
  config: monitorSystemConfigSchema,
  register(reg, config) {
    reg.provide(Monitor, {
      deps: { platform: PlatformInfo, clock: Clock, sessions: SessionManager },
      create: ({ platform, clock, sessions }) => {
        const monitor = new SystemMonitor({ platform: platform.platform, clock, config, sessions: sessions as SessionManager | undefined });
        created.add(monitor);
        return monitor;
      },
    });
  },
  async activate(ctx) {
    for (const monitor of ctx.getAll(Monitor)) if (created.has(monitor)) await (monitor as SystemMonitor).init();
  },
  deactivate(ctx) {
    for (const monitor of ctx.getAll(Monitor)) if (created.has(monitor)) (monitor as SystemMonitor).close();
  },
});
