/**
 * Where the HTTP client and the terminal connection get their bearer token. A static token
 * ({@link bearerToken}) never changes; a {@link LoginSession} refreshes itself.
 */
export interface Credentials {
  /** The token to send now (a login refreshes first when it is about to expire), or null for none. */
  token(): Promise<string | null>;
  /**
   * Called once after the agent answered 401 to `token()`'s token: get a new one if that can help.
   * True when the request is worth retrying. Absent: a 401 is final.
   */
  renew?(): Promise<boolean>;
}

/** Credentials for a token that does not change: an API token (`tft_…`), the local token (`tfl_…`), a share link's token. */
export function bearerToken(token: string): Credentials {
  return { token: async () => token };
}
