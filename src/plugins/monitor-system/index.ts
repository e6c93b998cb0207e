import { Clock, definePlugin, Monitor, PlatformInfo, SessionManager } from '../../plugin-api';
import { monitorSystemConfigSchema } from './monitor-system-config';
import { SystemMonitor } from './system-monitor';

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
      create: ({ platform, clock, sessions }) => new SystemMonitor({ platform: platform.platform, clock, config, sessions: sessions as SessionManager | undefined }),
    });
  },
  async activate(ctx) {
    // Its own monitor among every plugin's (Monitor is a multiple capability).
    const monitor = ctx.getAll(Monitor).find((m): m is SystemMonitor => m instanceof SystemMonitor);
    if (!monitor) return;
    ctx.onDispose(() => monitor.close());
    await monitor.init();
  },
});
