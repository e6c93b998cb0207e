import { definePlugin, HttpRoutes, PowerManager, SessionManager, type Disposable } from '../../plugin-api';
import { addPowerRoutes } from './add-power-routes';
import { powerPolicyConfigSchema } from './power-policy-config';
import { PowerPolicyController } from './power-policy-controller';

/** What an active power-policy holds, per kernel (keyed by the plugin's context). */
const running = new WeakMap<object, { controller: PowerPolicyController; disposables: Disposable[] }>();

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
    const state = { controller, disposables: [] as Disposable[] };
    running.set(ctx, state);
    await controller.start();
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) state.disposables.push(...addPowerRoutes(routes, controller));
    else ctx.log.debug('no HttpRoutes provider: /api/power is not served');
  },
  async deactivate(ctx) {
    const state = running.get(ctx);
    if (!state) return;
    running.delete(ctx);
    for (const disposable of state.disposables) disposable.dispose();
    await state.controller.stop();
  },
});
