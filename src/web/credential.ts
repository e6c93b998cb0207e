/** A bearer credential the page holds. */
export interface Credential {
  /** `login`: from POST /api/auth/login (refreshable); `share`: a share link; `token`: pasted API or local token. */
  kind: 'login' | 'share' | 'token';
  token: string;
  expiresAt?: string;
  refreshToken?: string;
  refreshExpiresAt?: string;
  /** A login's user, as the agent answered it. */
  user?: { id: string; role: 'admin' | 'writer' | 'viewer' };
}
