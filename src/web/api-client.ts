import { authenticatedFetch, bearerToken, LoginSession, TunnelForgeError, type Credentials, type IssuedSession } from '@tunnelforge/client';
import type { Credential } from './credential';
import type { CredentialStore } from './credential-store';

/**
 * The page's HTTP client on `@tunnelforge/client`: the bearer header, a login's refresh (ahead of
 * expiry and once after a 401) and error answers as `TunnelForgeError` come from the package; this
 * class adds where the page keeps its credential (CredentialStore) and `onUnauthorized` (the app
 * shows the login form) when the credential is gone for good.
 */
export class ApiClient {
  /** The LoginSession of the stored login, rebuilt when the store holds another one (another tab logged in). */
  private current: { stored: string; session: LoginSession } | null = null;

  constructor(private readonly store: CredentialStore, private readonly onUnauthorized: () => void, private readonly base = '') {}

  get credential(): Credential | null {
    return this.store.get();
  }

  /** The URL of an agent path (the agent may be at another base than the page). */
  urlOf(path: string): string {
    return this.base + path;
  }

  /** JSON request; resolves with the parsed body (undefined for 204). */
  async json<T>(method: string, path: string, body?: unknown, options: { auth?: boolean } = {}): Promise<T> {
    const response = await this.fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async text(path: string): Promise<string> {
    return (await this.fetch(path, { method: 'GET' })).text();
  }

  /** A request with the bearer header; throws TunnelForgeError unless the answer is 2xx. */
  async fetch(path: string, init: RequestInit, options: { auth?: boolean; signal?: AbortSignal } = {}): Promise<Response> {
    const auth = options.auth ?? true;
    const request = new Request(this.urlOf(path), { ...init, signal: options.signal, cache: 'no-store', credentials: 'omit' });
    try {
      return await authenticatedFetch(auth ? this.credentials() : null)(request);
    } catch (error) {
      if (error instanceof TunnelForgeError && error.status === 401 && auth) this.onUnauthorized();
      throw error;
    }
  }

  /**
   * The `Authorization` value to send now (a login refreshes first when it is about to expire), or
   * null: for requests `fetch` cannot make, such as an upload with progress (XMLHttpRequest).
   */
  async bearer(): Promise<string | null> {
    const token = await this.credentials()?.token();
    return token ? `Bearer ${token}` : null;
  }

  /** POST /api/auth/login; stores the login. */
  async login(password: string, username?: string): Promise<void> {
    const session = await LoginSession.login(this.base || window.location.origin, { password, username });
    this.saveLogin(session.issued!);
  }

  /** Revoke a login on the server (best effort) and forget the credential. */
  async logout(): Promise<void> {
    const credentials = this.credentials();
    this.current = null;
    if (credentials instanceof LoginSession) await credentials.logout();
    this.store.clear();
  }

  /** The credentials of what the store holds: a refreshing LoginSession for a login, the bare token otherwise. */
  private credentials(): Credentials | null {
    const credential = this.store.get();
    if (credential === null) return null;
    if (credential.kind !== 'login' || credential.refreshToken === undefined || credential.expiresAt === undefined) return bearerToken(credential.token);
    if (this.current?.stored !== credential.token) {
      const issued: IssuedSession = {
        token: credential.token,
        expiresAt: credential.expiresAt,
        refreshToken: credential.refreshToken,
        refreshExpiresAt: credential.refreshExpiresAt ?? credential.expiresAt,
        user: credential.user ?? { id: '', role: 'viewer' },
      };
      const session = new LoginSession(this.base || window.location.origin, issued);
      session.on('refreshed', (fresh) => this.saveLogin(fresh));
      // The agent refused the refresh token: forget the login; the next 401 shows the login form.
      session.on('logged-out', () => {
        if (this.current?.session !== session) return;
        this.current = null;
        if (this.store.get()?.kind === 'login') this.store.clear();
      });
      this.current = { stored: credential.token, session };
    }
    return this.current.session;
  }

  private saveLogin(issued: IssuedSession): void {
    this.store.save({ kind: 'login', token: issued.token, expiresAt: issued.expiresAt, refreshToken: issued.refreshToken, refreshExpiresAt: issued.refreshExpiresAt, user: issued.user });
    if (this.current !== null) this.current.stored = issued.token;
  }
}
