/** The agent panels besides the session list and the terminal (`#/<panel>`). */
export const PANELS = ['remote', 'power', 'monitor', 'sharing', 'tokens', 'plugins'] as const;
export type PanelName = (typeof PANELS)[number];

/** What the page shows, from the URL fragment: `#/` the list, `#/session/<id>` one terminal, `#/<panel>` a panel, `#/settings` the settings. */
export type Route = { view: 'list' } | { view: 'session'; sessionId: string } | { view: 'panel'; panel: PanelName } | { view: 'settings' };

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
  const panel = /^#\/([a-z]+)$/.exec(hash)?.[1];
  if (panel !== undefined && (PANELS as readonly string[]).includes(panel)) return { view: 'panel', panel: panel as PanelName };
  return { view: 'list' };
}
