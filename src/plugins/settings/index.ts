import * as path from 'node:path';
import { definePlugin, EventBus, HttpRoutes, Logger, Settings } from '../../plugin-api';
import { addSettingsRoutes } from './add-settings-routes';
import { SettingsStore } from './settings-store';

/**
 * Run-time settings: the {@link Settings} capability other plugins register their sections on,
 * persisted in `settings.json` of the data dir, with `GET/PATCH /api/settings` and `settings.changed`.
 */
export default definePlugin({
  id: 'settings',
  apiVersion: 1,
  description: 'Run-time settings (settings.json in the data dir) with GET/PATCH /api/settings',
  provides: [Settings],
  optional: [HttpRoutes],
  register(reg) {
    reg.provide(Settings, {
      deps: { events: EventBus, log: Logger },
      create: ({ events, log }) => new SettingsStore(events, log),
    });
  },
  async activate(ctx) {
    const store = ctx.get(Settings) as SettingsStore;
    await store.open(path.join(ctx.agent.dataDir, 'settings.json'));
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) for (const route of addSettingsRoutes(routes, store)) ctx.onDispose(route);
    else ctx.log.debug('no HttpRoutes provider: /api/settings is not served');
  },
});
