/** Routes a session-bound credential (a share link, a narrowed ticket) may use besides its session's own. */
const ALWAYS = new Set(['/api/auth/me', '/api/auth/config', '/api/auth/logout', '/api/auth/ws-ticket', '/api/sessions', '/api/events', '/ws']);

/**
 * Whether a credential limited to `sessionId` may reach `path`: the session routes of that one
 * session, the session list and event stream (which the sessions plugin filters to it), the
 * WebSocket, and its own auth routes. Everything else (host metrics, tunnels, plugins, info) is
 * refused, so a share link shows one terminal and nothing about the machine.
 */
export function sessionScopeAllows(path: string, sessionId: string): boolean {
  if (ALWAYS.has(path)) return true;
  const prefix = '/api/sessions/';
  if (!path.startsWith(prefix)) return false;
  const rest = path.slice(prefix.length);
  const segment = rest.split('/')[0];
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return false;
  }
  return id === sessionId;
}
