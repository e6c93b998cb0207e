import { Clock, definePlugin, EventBus, HttpRoutes, Logger, SessionManager, WebSocketRoutes } from '../../plugin-api';
import { createSessionsCore } from '../../sessions/create-sessions-core';
import { PtySessionManager } from '../../sessions/pty-session-manager';
import { SessionsConfig } from '../../sessions/sessions-config';

/**
 * Terminal sessions: PTYs, the output ring and streaming engine, the sessions HTTP API, `GET /api/events`
 * and the `/ws` protocol v1 endpoint.
 */
export default definePlugin({
  id: 'core-sessions',
  apiVersion: 1,
  description: 'PTY sessions, streaming engine, sessions API and WebSocket protocol v1',
  required: true,
  provides: [SessionManager],
  requires: [HttpRoutes, WebSocketRoutes],
  config: SessionsConfig,
  register(reg, config) {
    reg.provide(SessionManager, {
      deps: { events: EventBus, log: Logger, clock: Clock },
      create: ({ events, log, clock }) => new PtySessionManager(config, events, log, clock),
    });
  },
  activate(ctx) {
    // The manager this plugin provided (register built it); the core adds routes and owns shutdown.
    const manager = ctx.get(SessionManager) as PtySessionManager;
    const core = createSessionsCore({ config: ctx.config, events: ctx.events, log: ctx.log, clock: ctx.clock, manager });
    ctx.onDispose(() => core.dispose());
    ctx.onDispose(core.registerRoutes(ctx.get(HttpRoutes), ctx.get(WebSocketRoutes)));
  },
});
