import { definePlugin, HttpRoutes, PowerManager, SessionManager } from '../../plugin-api';
import { addPowerRoutes } from './add-power-routes';
import { powerPolicyConfigSchema } from './power-policy-config';
import { PowerPolicyController } from './power-policy-controller';

/**
 * Decides when the machine stays awake: by policy (`never`, `while-sessions`, `always`) and by hand
 * (`POST /api/power`), through whichever PowerManager is active. Publishes `power.changed`.
 */
export default definePlugin({
  id: 'power-policy',
  apiVersion: 1,
  description: 'Keeps the machine awake while sessions run (policy), with GET/POST /api/power',
  requires: [PowerManager],
  optional: [SessionManager, HttpRoutes],
  config: powerPolicyConfigSchema,
  async activate(ctx) {
    const sessions = ctx.tryGet(SessionManager);
    if (ctx.config.policy === 'while-sessions' && !sessions) ctx.log.info('no SessionManager is active: the while-sessions policy has no sessions to follow');
    const controller = new PowerPolicyController({ power: ctx.get(PowerManager), sessions, events: ctx.events, log: ctx.log, policy: ctx.config.policy });
    ctx.onDispose(() => controller.stop());
    await controller.start();
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) for (const route of addPowerRoutes(routes, controller)) ctx.onDispose(route);
    else ctx.log.debug('no HttpRoutes provider: /api/power is not served');
  },
});
