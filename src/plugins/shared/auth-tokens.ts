import { defineCapability, type Role } from '../../plugin-api';

/** What a login or a refresh hands out (the body of `POST /api/auth/login` and `/refresh`). */
export interface IssuedSession {
  /** Signed access token (JWT), sent as `Authorization: Bearer <token>`. */
  token: string;
  /** ISO expiry of `token`. */
  expiresAt: string;
  /** Opaque, single-use refresh token: `POST /api/auth/refresh` swaps it for a new pair. */
  refreshToken: string;
  refreshExpiresAt: string;
  user: { id: string; role: Role };
}

/** A read-only share link's token. */
export interface IssuedShare {
  /** Share id (for `DELETE /api/shares/:id`). */
  id: string;
  token: string;
  expiresAt: string;
}

/** An active share link as `GET /api/shares` lists it (never its token). */
export interface ShareInfo {
  id: string;
  sessionId: string;
  /** Principal id of who made it. */
  createdBy: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * The agent's signed tokens (provided by the built-in `auth-jwt` plugin): short-lived access tokens
 * with rotating refresh tokens for logins, session-scoped viewer tokens for share links, and their
 * revocation, which is kept in the data dir. Errors are `HttpError`s (401 for a bad refresh token).
 */
export interface AuthTokens {
  /**
   * Start a login session for `user`: an access token and the first refresh token of a new family.
   * `version` identifies the credential it was granted for (say, a fingerprint of the password
   * hash), so {@link AuthTokens.endSessionsWhere} can end sessions whose credential has changed.
   */
  issueSession(user: { id: string; role: Role; version?: string }): Promise<IssuedSession>;
  /**
   * End every live login session for which `reject` answers true (user removed, role or password
   * changed); resolves to how many were ended. Their access and refresh tokens stop working at once.
   */
  endSessionsWhere(reject: (user: { id: string; role: Role; version: string | undefined }) => boolean): Promise<number>;
  /**
   * Swap a refresh token for a new pair. The presented token is used up; presenting it again
   * revokes its whole family (someone else has a copy).
   */
  refresh(refreshToken: string): Promise<IssuedSession>;
  /** Revoke an access token and its refresh family. Resolves false when `accessToken` is not one of ours. */
  logout(accessToken: string): Promise<boolean>;
  /** A viewer token limited to one session. */
  issueShare(sessionId: string, createdBy: string, ttlMs: number): Promise<IssuedShare>;
  /** The unexpired share links, oldest first. */
  listShares(): Promise<ShareInfo[]>;
  /** Revoke a share link; false when there is no such (unexpired) share. */
  revokeShare(id: string): Promise<boolean>;
}
export const AuthTokens = defineCapability<AuthTokens>('AuthTokens');
