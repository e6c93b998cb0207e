import { Authenticator, definePlugin, z } from '../../plugin-api';
import { ApiTokens } from '../shared/api-tokens';
import { ApiTokenAuthenticator } from './api-token-authenticator';
import { ApiTokenFile } from './api-token-file';
import { ApiTokenRegistry } from './api-token-registry';

/** One registry per agent, keyed by the agent's copy of this plugin's config (the plugin object is shared). */
const registries = new WeakMap<object, ApiTokenRegistry>();

/**
 * Long-lived API tokens (`tft_<id>_<secret>`) for desktop clients and scripts, each with a name, a
 * role and an optional expiry, stored hashed in `<dataDir>/api-tokens.json`. Managed with
 * `tunnelforge token create|ls|revoke` and, for admins, `/api/tokens` (added by `auth-api`).
 */
export default definePlugin({
  id: 'auth-token',
  apiVersion: 1,
  description: 'API tokens (hashed in the data dir; tunnelforge token create|ls|revoke)',
  provides: [Authenticator, ApiTokens],
  // No options; the schema still gives each agent its own config object to key state by.
  config: z.strictObject({}),
  register(reg, config) {
    const registry = new ApiTokenRegistry();
    registries.set(config, registry);
    reg.provide(ApiTokens, { create: () => registry });
    reg.provide(Authenticator, { create: () => new ApiTokenAuthenticator(registry) });
  },
  async activate(ctx) {
    await registries.get(ctx.config)?.open(new ApiTokenFile(ctx.agent.dataDir), ctx.log, () => ctx.clock.now());
  },
  deactivate(ctx) {
    registries.get(ctx.config)?.close();
  },
});
