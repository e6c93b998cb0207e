import { HttpError, z, type AuditLog, type Disposable, type HttpRoutes, type Logger } from '../../plugin-api';
import type { AuthTokens } from '../shared/auth-tokens';
import { issuedSessionSchema } from '../shared/issued-session-schema';
import { clientKey } from './client-key';
import type { ConcurrencyLimiter } from './concurrency-limiter';
import type { AttemptOutcome, LoginThrottle } from './login-throttle';
import type { PasswordDirectory } from './password-directory';
import { verifyPassword } from './password-hash';

const loginBody = z.object({
  username: z.string().min(1).max(128).optional(),
  password: z.string().min(1).max(1024),
});

const NO_STORE = { 'cache-control': 'no-store' };

function error(status: number, code: string, message: string, headers: Record<string, string> = {}, details?: unknown): HttpError {
  return new HttpError(status, code, message, details, { ...NO_STORE, ...headers });
}

function rateLimited(retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return error(429, 'TF_ERR_RATE_LIMITED', `Too many login attempts; try again in ${seconds} s`, { 'retry-after': String(seconds) });
}

export interface LoginRouteDeps {
  directory: PasswordDirectory;
  throttle: LoginThrottle;
  limiter: ConcurrencyLimiter;
  tokens: AuthTokens;
  log: Logger;
  /** The audit trail, when `audit-log` is active: every success and failure, with the address. */
  audit?: AuditLog;
}

/**
 * `POST /api/auth/login` (public): `{ username?, password }` → an access token and a refresh token.
 * Order matters: the body schema is checked first (by the transport: a malformed request costs
 * nothing and counts for nothing), then the throttle (a locked-out address never costs a hash), then the password (asynchronously, through the limiter). An unknown user and a
 * wrong password get the same answer after the same work.
 */
export function addLoginRoute(http: HttpRoutes, { directory, throttle, limiter, tokens, log, audit }: LoginRouteDeps): Disposable {
  return http.add({
    method: 'POST',
    path: '/api/auth/login',
    access: 'public',
    maxBodyBytes: 4096,
    schema: { body: loginBody, response: issuedSessionSchema },
    doc: {
      summary: 'Log in with a password; answers an access token (JWT) and a refresh token',
      tags: ['auth'],
      errors: { 401: 'Wrong user name or password (TF_ERR_BAD_CREDENTIALS)', 429: 'Too many attempts from this address (TF_ERR_RATE_LIMITED, Retry-After)' },
    },
    async handler(request) {
      const key = clientKey(request.remoteAddress);
      const verdict = throttle.begin(key);
      if (!verdict.ok) throw rateLimited(verdict.retryAfterMs);
      let outcome: AttemptOutcome = 'ignored';
      try {
        const { username, password } = request.body;
        const target = directory.lookup(username);
        if (target === 'username-required') {
          // The same shape as a schema failure: the field is required here, though optional in general.
          throw error(400, 'TF_ERR_BAD_REQUEST', 'This agent has several users: send "username" too', {}, [{ path: 'body.username', message: 'Required: this agent has several users' }]);
        }
        const check = limiter.tryRun(() => verifyPassword(password, target.hash));
        if (check === null) throw rateLimited(1000);
        const matches = await check;
        if (!matches || target.user === null) {
          outcome = 'failure';
          // The address only: the "user name" may be a password typed into the wrong field.
          log.info('login failed', { address: request.remoteAddress });
          audit?.record({ action: 'auth.login', outcome: 'failure', by: null, target: username ?? target.user?.username, address: request.remoteAddress });
          throw error(401, 'TF_ERR_BAD_CREDENTIALS', 'Wrong user name or password');
        }
        outcome = 'success';
        const issued = await tokens.issueSession({ id: target.user.username, role: target.user.role, version: target.user.version });
        log.info('login', { user: target.user.username, role: target.user.role, address: request.remoteAddress });
        audit?.record({ action: 'auth.login', by: { id: target.user.username, role: target.user.role, via: 'auth-password' }, target: target.user.username, address: request.remoteAddress });
        return { json: issued, headers: NO_STORE };
      } finally {
        verdict.done(outcome);
      }
    },
  });
}
