/** What the page shows, from the URL fragment: `#/` the list, `#/session/<id>` one terminal, `#/settings` the settings. */
export type Route = { view: 'list' } | { view: 'session'; sessionId: string } | { view: 'settings' };

export function parseRoute(hash: string): Route {
  if (hash === '#/settings') return { view: 'settings' };
  const match = /^#\/session\/([^/?#]+)$/.exec(hash);
  if (match) {
    try {
      return { view: 'session', sessionId: decodeURIComponent(match[1]) };
    } catch {
      // malformed: the list
    }
  }
  return { view: 'list' };
}
