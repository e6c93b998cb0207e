import { z, type AgentInfo, type AuditLog, type Disposable, type HttpRoutes } from '../../plugin-api';
import type { AuthTokens } from '../shared/auth-tokens';
import { bearerToken } from '../shared/bearer-token';
import { issuedSessionSchema } from '../shared/issued-session-schema';
import type { PasswordLogin } from '../shared/password-login';
import { authMethods } from './auth-methods';
import { NO_STORE } from './no-store';

const refreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
const principalSchema = z.object({
  id: z.string(),
  role: z.enum(['admin', 'writer', 'viewer']),
  via: z.string(),
  sessionId: z.string().optional(),
  expiresAt: z.string().optional(),
});

export interface SessionRouteDeps {
  agent: AgentInfo;
  /** Absent when `auth-jwt` is not active: then there is nothing to refresh or log out of. */
  tokens: AuthTokens | undefined;
  password: () => PasswordLogin | undefined;
  audit?: AuditLog;
}

/**
 * The login-session routes a client needs whatever the login method: what methods there are
 * (public), refresh (public: the refresh token is the credential), logout, and who am I.
 */
export function addSessionRoutes(http: HttpRoutes, { agent, tokens, password, audit }: SessionRouteDeps): Disposable {
  const routes: Disposable[] = [
    http.add({
      method: 'GET',
      path: '/api/auth/config',
      access: 'public',
      schema: { response: z.object({ methods: z.array(z.string()), usernameRequired: z.boolean() }) },
      doc: { summary: 'How to log in: the active methods and whether a user name is needed', tags: ['auth'] },
      handler: () => ({ json: { methods: authMethods(agent.plugins()), usernameRequired: password()?.usernameRequired ?? false } }),
    }),
    http.add({
      method: 'GET',
      path: '/api/auth/me',
      access: 'viewer',
      schema: { response: principalSchema },
      doc: { summary: 'The caller as the agent sees it (id, role, how it authenticated, session limit, expiry)', tags: ['auth'] },
      handler: (request) => {
        // A viewer route: never null. The credential id is for revocation, not for clients.
        const { credential: _credential, ...me } = request.principal!;
        return { json: me };
      },
    }),
  ];
  if (tokens !== undefined) {
    routes.push(
      http.add({
        method: 'POST',
        path: '/api/auth/refresh',
        access: 'public',
        maxBodyBytes: 4096,
        schema: { body: refreshBody, response: issuedSessionSchema },
        doc: {
          summary: 'Swap a refresh token for a new access token and refresh token (the old refresh token is used up; using it again ends the login session)',
          tags: ['auth'],
          errors: { 401: 'Unknown, expired, revoked or reused refresh token (TF_ERR_BAD_TOKEN, TF_ERR_TOKEN_REUSED)' },
        },
        async handler(request) {
          return { json: await tokens.refresh(request.body.refreshToken), headers: NO_STORE };
        },
      }),
      http.add({
        method: 'POST',
        path: '/api/auth/logout',
        access: 'viewer',
        doc: { summary: 'Revoke the access token presented and its login session (refresh tokens included)', tags: ['auth'], status: 204 },
        async handler(request) {
          // The credential that got us here; only login-session JWTs have anything to revoke.
          const presented = bearerToken({ surface: 'http', method: request.method, path: request.path, query: '', headers: request.headers, remoteAddress: request.remoteAddress });
          if (presented !== null && (await tokens.logout(presented))) audit?.record({ action: 'auth.logout', by: request.principal, target: request.principal?.id });
          return { status: 204, headers: NO_STORE };
        },
      }),
    );
  }
  return { dispose: () => routes.forEach((route) => route.dispose()) };
}
