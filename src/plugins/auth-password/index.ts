import { AuditLog, definePlugin, HttpRoutes } from '../../plugin-api';
import { AuthTokens } from '../shared/auth-tokens';
import { PasswordLogin } from '../shared/password-login';
import { addLoginRoute } from './add-login-route';
import { AuthPasswordConfig } from './auth-password-config';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { loadPasswordUsers } from './load-password-users';
import { LoginThrottle } from './login-throttle';
import { PasswordDirectory } from './password-directory';

/** Password checks allowed to wait for a free slot; more are answered 429 at once. */
const MAX_QUEUED_CHECKS = 16;

/**
 * Password login: `POST /api/auth/login` trades a user name and password for the tokens of
 * `auth-jwt`. Users come from the config (scrypt hashes only), `TUNNELFORGE_PASSWORD`, or a
 * generated admin password; failures are throttled per client address.
 */
export default definePlugin({
  id: 'auth-password',
  apiVersion: 1,
  description: 'Password login (scrypt hashes, per-address back-off) issuing auth-jwt tokens',
  provides: [PasswordLogin],
  requires: [HttpRoutes, AuthTokens],
  optional: [AuditLog],
  config: AuthPasswordConfig,
  register(reg) {
    reg.provide(PasswordLogin, { create: () => new PasswordDirectory() });
  },
  async activate(ctx) {
    const directory = ctx.get(PasswordLogin) as PasswordDirectory;
    const loaded = await loadPasswordUsers(ctx.config, ctx.agent.dataDir);
    directory.setUsers(loaded.users, loaded.announce);
    const tokens = ctx.get(AuthTokens);
    // A user removed from the config, or whose role or password changed, keeps no login session.
    const ended = await tokens.endSessionsWhere((user) => {
      const current = directory.get(user.id);
      return current === undefined || current.role !== user.role || current.version !== user.version;
    });
    if (ended > 0) ctx.log.info('ended login sessions of users who were removed or whose role or password changed', { sessions: ended });
    ctx.onDispose(addLoginRoute(ctx.get(HttpRoutes), {
      directory,
      throttle: new LoginThrottle(ctx.config.rateLimit, () => ctx.clock.now()),
      limiter: new ConcurrencyLimiter(ctx.config.maxConcurrentChecks, MAX_QUEUED_CHECKS),
      tokens,
      log: ctx.log,
      audit: ctx.tryGet(AuditLog),
    }));
  },
  start(ctx) {
    // Said in start, not activate: only now is the real URL known (the port may have been 0).
    const directory = ctx.get(PasswordLogin) as PasswordDirectory;
    directory.announce(ctx.log, (ctx.agent.localUrl() ?? `http://${ctx.agent.host}:${ctx.agent.port}`) + '/');
  },
});
