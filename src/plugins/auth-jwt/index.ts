import { Authenticator, definePlugin } from '../../plugin-api';
import { AuthTokens } from '../shared/auth-tokens';
import { AuthJwtConfig } from './auth-jwt-config';
import { JwtAuthenticator } from './jwt-authenticator';
import { JwtTokenService } from './jwt-token-service';

/** One service per agent, keyed by the agent's copy of this plugin's config (the plugin object is shared). */
const services = new WeakMap<object, JwtTokenService>();

/**
 * Signed tokens for browser logins and share links: HS256 JWT access tokens (15 min by default)
 * with rotating refresh tokens, and their revocation, persisted in the data dir. Provides the
 * `AuthTokens` service (used by `auth-password` and `auth-api`) and the authenticator that checks
 * the tokens. Adds no routes, so it can sit in the auth chain that the HTTP server is built with.
 */
export default definePlugin({
  id: 'auth-jwt',
  apiVersion: 1,
  description: 'JWT access tokens, rotating refresh tokens and share tokens; revocations kept in the data dir',
  provides: [Authenticator, AuthTokens],
  config: AuthJwtConfig,
  register(reg, config) {
    const service = new JwtTokenService(config);
    services.set(config, service);
    reg.provide(AuthTokens, { create: () => service });
    reg.provide(Authenticator, { create: () => new JwtAuthenticator(service) });
  },
  async activate(ctx) {
    await services.get(ctx.config)?.open(ctx.agent.dataDir, ctx.log, () => ctx.clock.now());
  },
  deactivate(ctx) {
    services.get(ctx.config)?.close();
  },
});
