import { definePlugin, HttpRoutes, PowerManager, SessionManager, Settings } from '../../plugin-api';
import { addPowerRoutes } from './add-power-routes';
import { powerPolicyConfigSchema, powerSettingsSection } from './power-policy-config';
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
  optional: [SessionManager, HttpRoutes, Settings],
  config: powerPolicyConfigSchema,
  async activate(ctx) {
    const sessions = ctx.tryGet(SessionManager);
    // The run-time setting wins over the config file; unset, the config's policy applies.
    const settings = ctx.tryGet(Settings)?.register(powerSettingsSection);
    const policy = () => settings?.get().policy ?? ctx.config.policy;
    if (policy() === 'while-sessions' && !sessions) ctx.log.info('no SessionManager is active: the while-sessions policy has no sessions to follow');
    const controller = new PowerPolicyController({ power: ctx.get(PowerManager), sessions, events: ctx.events, log: ctx.log, policy: policy() });
    ctx.onDispose(() => controller.stop());
    if (settings) {
      ctx.onDispose(settings);
      ctx.onDispose(settings.subscribe(() => void controller.setPolicy(policy())));
    }
    await controller.start();
    const routes = ctx.tryGet(HttpRoutes);
    if (routes) for (const route of addPowerRoutes(routes, controller)) ctx.onDispose(route);
    else ctx.log.debug('no HttpRoutes provider: /api/power is not served');
  },
});
