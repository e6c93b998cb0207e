import { defineCapability } from './capability';

/** Roles, from most to least powerful. */
export type Role = 'admin' | 'writer' | 'viewer';

/** Who a request acts as, once authenticated. */
export interface Principal {
  /** Stable id (user name, token id, `local`). */
  id: string;
  role: Role;
  /** Id of the authenticator that admitted it. */
  via: string;
  /** When set, the principal may only see this session (read-only share links). */
  sessionId?: string;
  /** ISO expiry of the credential, when it has one. */
  expiresAt?: string;
  /**
   * Opaque id of the credential that admitted this principal (`login:<session>`, `token:<id>`,
   * `share:<id>`), kept by everything derived from it (a WebSocket ticket). When that credential is
   * revoked its owner publishes `auth.revoked` with this id, and the agent closes every WebSocket
   * and event stream opened with it. Not a secret, but not for display either.
   */
  credential?: string;
}

/** What an authenticator sees of a request. Header names are lower case. */
export interface AuthRequest {
  surface: 'http' | 'sse' | 'ws';
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string (without `?`). Authenticators must not accept long-lived secrets here. */
  query: string;
  headers: Readonly<Record<string, string>>;
  remoteAddress: string;
}

/** An authenticator's verdict. */
export type AuthResult =
  | { kind: 'allow'; principal: Principal }
  /** The credential is for this authenticator and is bad: stop the chain with this error. */
  | { kind: 'deny'; status: 401 | 403 | 429; code: string; message: string }
  /** No credential this authenticator understands: ask the next one. */
  | { kind: 'pass' };

/**
 * One link of the auth chain that guards every HTTP route, SSE stream and WebSocket upgrade.
 * **Multiple** capability, consulted in order (config `capabilities.Authenticator` sets the order).
 *
 * Lifecycle rules:
 * - The chain fails closed: when every authenticator passes, the request is refused with 401.
 * - `authenticate` must not throw; a throw is treated as a deny (500 is never an allow).
 * - Compare secrets in constant time and never log them.
 */
export interface Authenticator {
  readonly id: string;
  authenticate(request: AuthRequest): Promise<AuthResult> | AuthResult;
}
export const Authenticator = defineCapability<Authenticator>('Authenticator', { multiple: true });
