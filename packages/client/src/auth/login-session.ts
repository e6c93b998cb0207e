import { createApiClient } from '../http/create-api-client';
import type { FetchFunction } from '../http/authenticated-fetch';
import type { IssuedSession } from '../http/api-schemas';
import { TunnelForgeError } from '../http/tunnelforge-error';
import { Emitter } from '../util/emitter';
import type { Credentials } from './credentials';

/**
 * Refresh this long before the access token expires (the agent's default lifetime is 15 minutes),
 * or at half its lifetime when that is shorter, so that a short lifetime does not mean a refresh
 * for every request.
 */
const REFRESH_AHEAD_MS = 60_000;

export type LoginState = 'logged-in' | 'logged-out';

export interface LoginSessionEvents {
  /** A refresh brought new tokens (persist them if you keep the login: {@link LoginSession.issued}). */
  refreshed: [issued: IssuedSession];
  /** The login ended: by {@link LoginSession.logout}, or because the agent refused the refresh token. */
  'logged-out': [reason: TunnelForgeError | null];
  state: [state: LoginState];
}

export interface LoginOptions {
  /** Omit when the agent has a single user (`GET /api/auth/config` says `usernameRequired`). */
  username?: string;
  password: string;
  fetch?: FetchFunction;
}

/**
 * A password login (`POST /api/auth/login`) as {@link Credentials}: hands out the access token,
 * refreshes it (`POST /api/auth/refresh`, single-use refresh tokens) shortly before it expires and
 * once after a 401, one refresh at a time. When the agent refuses the refresh token (revoked,
 * expired, reused, user removed) the session logs out cleanly: `state` becomes `'logged-out'`,
 * `'logged-out'` is emitted with the agent's error, and `token()` gives null from then on.
 * A refresh that fails for another reason (network) is not a logout: the request fails instead.
 */
export class LoginSession extends Emitter<LoginSessionEvents> implements Credentials {
  private current: IssuedSession | null;
  /** When the current access token is due for a refresh (ms since the epoch). */
  private refreshAt = 0;
  private refreshing: Promise<boolean> | null = null;

  private readonly fetchFn: FetchFunction | undefined;
  private readonly now: () => number;

  /** A login from tokens kept earlier (`issued`, e.g. persisted after a `refreshed` event). */
  constructor(
    readonly baseUrl: string,
    issued: IssuedSession,
    options: { fetch?: FetchFunction; /** The clock (tests). */ now?: () => number } = {},
  ) {
    super();
    this.fetchFn = options.fetch;
    this.now = options.now ?? Date.now;
    this.current = issued;
    this.scheduleRefresh(issued);
  }

  /** Log in with a password; throws TunnelForgeError (401 TF_ERR_BAD_CREDENTIALS, 429 TF_ERR_RATE_LIMITED, 400 when a user name is needed). */
  static async login(baseUrl: string, options: LoginOptions): Promise<LoginSession> {
    const api = createApiClient({ baseUrl, fetch: options.fetch });
    const body = options.username === undefined ? { password: options.password } : { username: options.username, password: options.password };
    const { data } = await api.POST('/api/auth/login', { body });
    return new LoginSession(baseUrl, data!, { fetch: options.fetch });
  }

  get state(): LoginState {
    return this.current === null ? 'logged-out' : 'logged-in';
  }

  /** The tokens in use (to keep the login across restarts: `new LoginSession(url, issued)`), null once logged out. */
  get issued(): IssuedSession | null {
    return this.current;
  }

  async token(): Promise<string | null> {
    const current = this.current;
    if (current === null) return null;
    if (this.now() >= this.refreshAt) await this.renew().catch(() => false);
    return this.current?.token ?? null;
  }

  /** Refresh now (one at a time). False when the agent refused: the session is logged out. Throws on network errors. */
  renew(): Promise<boolean> {
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Revoke the login on the agent (best effort: the local state ends either way). */
  async logout(): Promise<void> {
    const current = this.current;
    if (current === null) return;
    const api = createApiClient({ baseUrl: this.baseUrl, fetch: this.fetchFn, credentials: { token: async () => current.token } });
    try {
      await api.POST('/api/auth/logout');
    } catch {
      // already expired or revoked, or the agent is gone: nothing left to revoke
    }
    this.end(null);
  }

  private async refresh(): Promise<boolean> {
    const current = this.current;
    if (current === null) return false;
    const api = createApiClient({ baseUrl: this.baseUrl, fetch: this.fetchFn });
    try {
      const { data } = await api.POST('/api/auth/refresh', { body: { refreshToken: current.refreshToken } });
      if (this.current !== current) return this.current !== null; // logged out meanwhile
      this.current = data!;
      this.scheduleRefresh(data!);
      this.emit('refreshed', data!);
      return true;
    } catch (error) {
      // Only a refusal of the token ends the login; 429, 5xx and network errors are worth another try later.
      if (!(error instanceof TunnelForgeError) || ![400, 401, 403].includes(error.status ?? 0)) throw error;
      this.end(error);
      return false;
    }
  }

  private scheduleRefresh(issued: IssuedSession): void {
    const expiresAt = Date.parse(issued.expiresAt);
    this.refreshAt = expiresAt - Math.min(REFRESH_AHEAD_MS, (expiresAt - this.now()) / 2);
  }

  private end(reason: TunnelForgeError | null): void {
    if (this.current === null) return;
    this.current = null;
    this.emit('state', 'logged-out');
    this.emit('logged-out', reason);
  }
}
