import { normalizeOrigin } from './normalize-origin';

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
