import { checkWebSocketOrigin } from './check-websocket-origin';

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
