import { Authenticator, CredentialRevoked, definePlugin } from '../../plugin-api';
import { AuthTokens } from '../shared/auth-tokens';
import { AuthJwtConfig } from './auth-jwt-config';
import { JwtAuthenticator } from './jwt-authenticator';
import { JwtTokenService } from './jwt-token-service';

/** One service per agent, keyed by the agent's copy of this plugin's config (the plugin object is shared). */
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
    reg.provide(AuthTokens, { create: () => new JwtTokenService(config) });
    reg.provide(Authenticator, { deps: { tokens: AuthTokens }, create: ({ tokens }) => new JwtAuthenticator(tokens as JwtTokenService) });
  },
  async activate(ctx) {
    const service = ctx.get(AuthTokens) as JwtTokenService;
    ctx.onDispose(() => service.close());
    await service.open(ctx.agent.dataDir, ctx.log, () => ctx.clock.now(), (credential, reason) => ctx.events.publish(CredentialRevoked, { credential, reason }));
  },
});
