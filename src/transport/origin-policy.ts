// Which browser origins may call the agent (HTTP and WebSocket Origin rules) and the CORS headers that follow from it.
/**
 * `scheme://host[:port]` the way browsers serialise an Origin (lower case, default port dropped), or
 * `null` for anything else, including the opaque origin `null`.
 */
export function normalizeOrigin(value: string | undefined): string | null {
  if (value === undefined || value === '' || value === 'null') return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * The Origin rule for WebSocket upgrades (browsers do not apply CORS to WebSockets, so without this
 * any web page could drive the agent with the user's ambient credentials):
 * - an Origin equal to the server's own (`http://` + Host; with `trustProxy` also the forwarded
 *   proto + host) or listed in `allowedOrigins` is allowed;
 * - `null` (sandboxed frames, `file:` pages, some redirects) is always refused: it names no one;
 * - a missing Origin is refused when the request carries browser markers (`Sec-Fetch-*`), since a
 *   browser that sends those always sends Origin on an upgrade; without them it is a non-browser
 *   client (desktop app, script), which can set any Origin it likes anyway, so refusing it would
 *   protect nothing. Such clients still pass the full auth chain.
 */
export function checkWebSocketOrigin(headers: Readonly<Record<string, string>>, allowedOrigins: readonly string[], trustProxy: boolean): { ok: true } | { ok: false; message: string } {
  const raw = headers['origin'];
  if (raw === undefined) {
    if (headers['sec-fetch-site'] !== undefined || headers['sec-fetch-mode'] !== undefined) {
      return { ok: false, message: 'Origin header missing on a browser request' };
    }
    return { ok: true };
  }
  const origin = normalizeOrigin(raw.trim());
  if (origin === null) return { ok: false, message: 'Origin not allowed' };
  const own = new Set<string>();
  const host = headers['host'];
  if (host !== undefined && host !== '') addOrigin(own, `http://${host}`);
  if (trustProxy) {
    const proto = lastHop(headers['x-forwarded-proto']);
    const forwardedHost = lastHop(headers['x-forwarded-host']) ?? host;
    if (proto !== undefined && forwardedHost !== undefined) addOrigin(own, `${proto}://${forwardedHost}`);
  }
  if (own.has(origin) || allowedOrigins.includes(origin)) return { ok: true };
  return { ok: false, message: 'Origin not allowed' };
}

function addOrigin(set: Set<string>, candidate: string): void {
  const normalized = normalizeOrigin(candidate);
  if (normalized !== null) set.add(normalized);
}

/** The entry our own proxy wrote (earlier ones came from the client). */
function lastHop(value: string | undefined): string | undefined {
  const hop = value?.split(',').pop()?.trim();
  return hop === undefined || hop === '' ? undefined : hop;
}

/**
 * The Origin rule for plain HTTP requests and event streams. A request without Origin passes
 * (browsers omit it on same-origin GETs; other clients never send it). A request with one must come
 * from the server's own origin or a configured one (`allowedOrigins`, `cors.origins`); `null` never
 * passes. The API authenticates with headers rather than cookies, so this is defence in depth: a
 * foreign page is refused before any handler, login attempt or credential check runs.
 */
export function checkHttpOrigin(headers: Readonly<Record<string, string>>, allowedOrigins: readonly string[], trustProxy: boolean): { ok: true } | { ok: false; message: string } {
  if (headers['origin'] === undefined) return { ok: true };
  return checkWebSocketOrigin(headers, allowedOrigins, trustProxy);
}

/**
 * CORS response headers: none at all unless `allowedOrigins` is configured, and then an
 * `Access-Control-Allow-Origin` only for a listed origin (echoed, never `*`). No
 * `Allow-Credentials`: the API authenticates with headers, not cookies.
 */
export function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[]): Record<string, string> {
  if (allowedOrigins.length === 0) return {};
  const normalized = normalizeOrigin(origin);
  if (normalized === null || !allowedOrigins.includes(normalized)) return { vary: 'origin' };
  return { vary: 'origin', 'access-control-allow-origin': normalized };
}

