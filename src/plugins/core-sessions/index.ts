import * as path from 'node:path';
import { Clock, definePlugin, EventBus, HttpRoutes, Logger, PlatformInfo, SessionManager, Settings, WebSocketRoutes } from '../../plugin-api';
import { foregroundProbeFor } from '../../sessions/foreground-probe';
import { createSessionsCore } from '../../sessions/create-sessions-core';
import { SessionHostLink } from '../../sessions/host/session-host-link';
import { PtySessionManager } from '../../sessions/pty-session-manager';
import { SessionsConfig } from '../../sessions/sessions-config';
import { sessionsSettingsSection } from '../../sessions/sessions-settings';

/**
 * Terminal sessions: PTYs (in the session host by default, so they outlive the agent), the output
 * ring and streaming engine, the sessions HTTP API, `GET /api/events` and the `/ws` protocol v1
 * endpoint. Owns the `sessions` run-time settings (quick-start commands, session defaults).
 */
export default definePlugin({
  id: 'core-sessions',
  apiVersion: 1,
  description: 'PTY sessions, streaming engine, sessions API and WebSocket protocol v1',
  required: true,
  provides: [SessionManager],
  requires: [HttpRoutes, WebSocketRoutes],
  // Quick-start commands and session defaults (the `sessions` section); without it, config defaults only.
  optional: [Settings],
  config: SessionsConfig,
  register(reg, config) {
    reg.provide(SessionManager, {
      deps: { events: EventBus, log: Logger, clock: Clock, platform: PlatformInfo },
      create: ({ events, log, clock, platform }) => {
        const manager = new PtySessionManager(config, events, log, clock);
        manager.useForegroundProbe(foregroundProbeFor(platform.platform));
        return manager;
      },
    });
  },
  async activate(ctx) {
    // The manager this plugin provided (register built it); the core adds routes and owns shutdown.
    const manager = ctx.get(SessionManager) as PtySessionManager;
    const core = createSessionsCore({ config: ctx.config, events: ctx.events, log: ctx.log, clock: ctx.clock, manager });
    ctx.onDispose(() => core.dispose());
    manager.useRecordingsDir(path.join(ctx.agent.dataDir, 'recordings'));
    const settings = ctx.tryGet(Settings)?.register(sessionsSettingsSection);
    if (settings) {
      ctx.onDispose(settings);
      manager.useDefaults(() => settings.get());
    }
    if (ctx.config.mode === 'host') {
      const link = new SessionHostLink({
        dataDir: ctx.agent.dataDir,
        log: ctx.log.child({ component: 'session-host-link' }),
        agentVersion: ctx.agent.version,
        agentInstanceId: ctx.agent.instanceId,
        onLost: (reason) => manager.hostLost(reason),
      });
      await link.claimDataDir();
      manager.useHost(link);
      // Before the routes exist: a client never sees the list without the sessions that outlived the last agent.
      const adopted = await manager.adopt();
      if (adopted > 0) ctx.log.info(`adopted ${adopted} session${adopted === 1 ? '' : 's'} from the session host`, { sessions: adopted });
    }
    ctx.onDispose(core.registerRoutes(ctx.get(HttpRoutes), ctx.get(WebSocketRoutes)));
  },
});
