/** Who the page acts as (`GET /api/auth/me`). */
export interface Principal {
  id: string;
  role: 'admin' | 'writer' | 'viewer';
  via: string;
  /** Set for a share link: the one session this credential may watch. */
  sessionId?: string;
}
