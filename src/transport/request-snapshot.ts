/**
 * Everything the transport needs from a uWS request, copied out while the request is still valid:
 * uWS's `HttpRequest` lives on the C++ stack and is gone after the first `await`.
 */
export interface RequestSnapshot {
  /** As sent (methods are case-sensitive), e.g. `GET`. */
  readonly method: string;
  /** Path without the query string, as sent (not decoded). */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
}
