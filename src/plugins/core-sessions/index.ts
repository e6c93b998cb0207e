import { Clock, definePlugin, EventBus, HttpRoutes, Logger, SessionManager, WebSocketRoutes, type Disposable } from '../../plugin-api';
import { createSessionsCore, type SessionsCore } from '../../sessions/create-sessions-core';
import { SessionsConfig } from '../../sessions/sessions-config';

/** The core behind each manager, and its route registration (the plugin object is shared). */
const cores = new WeakMap<object, { core: SessionsCore; routes?: Disposable }>();

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
      create: ({ events, log, clock }) => {
        const core = createSessionsCore({ config, events, log, clock });
        cores.set(core.manager, { core });
        return core.manager;
      },
    });
  },
  activate(ctx) {
    const entry = cores.get(ctx.get(SessionManager));
    if (entry) entry.routes = entry.core.registerRoutes(ctx.get(HttpRoutes), ctx.get(WebSocketRoutes));
  },
  async deactivate(ctx) {
    const manager = ctx.tryGet(SessionManager);
    const entry = manager && cores.get(manager);
    if (!entry) return;
    entry.routes?.dispose();
    await entry.core.dispose();
  },
});
