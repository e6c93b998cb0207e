import { ApiError } from './api-error';
import type { Credential } from './credential';
import type { CredentialStore } from './credential-store';

/** Refresh a login this long before its access token expires. */
const REFRESH_AHEAD_MS = 60_000;

interface LoginAnswer {
  token: string;
  expiresAt: string;
  refreshToken?: string;
  refreshExpiresAt?: string;
}

/**
 * The page's HTTP client: adds `Authorization: Bearer`, refreshes a login token shortly before it
 * expires or once after a 401, and turns error answers into `ApiError`. When the credential is
 * gone for good it calls `onUnauthorized` (the app shows the login form).
 */
export class ApiClient {
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly store: CredentialStore, private readonly onUnauthorized: () => void, private readonly base = '') {}

  get credential(): Credential | null {
    return this.store.get();
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

  /** A request with the bearer header; throws ApiError unless the answer is 2xx. */
  async fetch(path: string, init: RequestInit, options: { auth?: boolean; signal?: AbortSignal } = {}): Promise<Response> {
    const auth = options.auth ?? true;
    if (auth) await this.refreshIfDue();
    let response = await this.send(path, init, auth, options.signal);
    if (response.status === 401 && auth && this.store.get()?.refreshToken && (await this.refresh())) {
      response = await this.send(path, init, auth, options.signal);
    }
    if (response.ok) return response;
    const error = await ApiError.from(response);
    if (response.status === 401 && auth) this.onUnauthorized();
    throw error;
  }

  /** POST /api/auth/login; stores the login. */
  async login(password: string, username?: string): Promise<void> {
    const answer = await this.json<LoginAnswer>('POST', '/api/auth/login', username ? { username, password } : { password }, { auth: false });
    this.store.save({ kind: 'login', token: answer.token, expiresAt: answer.expiresAt, refreshToken: answer.refreshToken, refreshExpiresAt: answer.refreshExpiresAt });
  }

  /** Revoke a login on the server (best effort) and forget the credential. */
  async logout(): Promise<void> {
    const credential = this.store.get();
    if (credential?.kind === 'login') await this.json('POST', '/api/auth/logout', undefined).catch(() => undefined);
    this.store.clear();
  }

  authorization(): string | null {
    const credential = this.store.get();
    return credential ? `Bearer ${credential.token}` : null;
  }

  private send(path: string, init: RequestInit, auth: boolean, signal?: AbortSignal): Promise<Response> {
    const headers = new Headers(init.headers);
    const authorization = auth ? this.authorization() : null;
    if (authorization !== null) headers.set('authorization', authorization);
    return fetch(this.base + path, { ...init, headers, signal, cache: 'no-store', credentials: 'omit' });
  }

  private async refreshIfDue(): Promise<void> {
    const credential = this.store.get();
    if (!credential?.refreshToken || !credential.expiresAt) return;
    if (Date.parse(credential.expiresAt) - Date.now() > REFRESH_AHEAD_MS) return;
    await this.refresh();
  }

  /** One refresh at a time; false when the refresh token is no longer accepted. */
  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const credential = this.store.get();
      if (!credential?.refreshToken) return false;
      try {
        const response = await this.send('/api/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: credential.refreshToken }),
        }, false);
        if (!response.ok) return false;
        const answer = (await response.json()) as LoginAnswer;
        this.store.save({ kind: 'login', token: answer.token, expiresAt: answer.expiresAt, refreshToken: answer.refreshToken ?? credential.refreshToken, refreshExpiresAt: answer.refreshExpiresAt ?? credential.refreshExpiresAt });
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}
