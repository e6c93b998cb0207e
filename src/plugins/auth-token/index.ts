import { Authenticator, CredentialRevoked, definePlugin, z } from '../../plugin-api';
import { ApiTokens } from '../shared/api-tokens';
import { ApiTokenAuthenticator } from './api-token-authenticator';
import { apiTokenCredential } from './api-token-format';
import { ApiTokenFile } from './api-token-file';
import { ApiTokenRegistry } from './api-token-registry';
import { watchApiTokenFile } from './watch-api-token-file';

/** One registry per agent, keyed by the agent's copy of this plugin's config (the plugin object is shared). */
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
  config: z.strictObject({}),
  register(reg) {
    reg.provide(ApiTokens, { create: () => new ApiTokenRegistry() });
    reg.provide(Authenticator, { deps: { tokens: ApiTokens }, create: ({ tokens }) => new ApiTokenAuthenticator(tokens as ApiTokenRegistry) });
  },
  async activate(ctx) {
    // The registry this plugin provided (one per agent): open its file for this activation.
    const registry = ctx.get(ApiTokens) as ApiTokenRegistry;
    ctx.onDispose(() => registry.close());
    const file = new ApiTokenFile(ctx.agent.dataDir);
    await registry.open(file, ctx.log, () => ctx.clock.now(), (id) => ctx.events.publish(CredentialRevoked, { credential: apiTokenCredential(id), reason: 'API token revoked' }));
    ctx.onDispose(watchApiTokenFile(file.file, () => void registry.reload().catch(() => undefined), ctx.log));
  },
});
