import type { AuthRequest } from '../../plugin-api';

/** Subprotocol prefix a browser-less WebSocket client may use to carry a bearer token. */
export const BEARER_SUBPROTOCOL_PREFIX = 'tunnelforge.bearer.';

/**
 * The bearer credential of a request: `Authorization: Bearer <t>`, or on WebSocket upgrades a
 * `Sec-WebSocket-Protocol` entry `tunnelforge.bearer.<t>`. Never the query string.
 */
export function bearerToken(request: AuthRequest): string | null {
  const header = request.headers['authorization'];
  if (header) {
    const match = /^Bearer\s+([^\s]+)\s*$/i.exec(header);
    return match ? match[1] : null;
  }
  if (request.surface === 'ws') {
    const protocols = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const entry = protocols.find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
    if (entry) return entry.slice(BEARER_SUBPROTOCOL_PREFIX.length) || null;
  }
  return null;
}
