/**
 * A share link is `<origin>/#share=<token>`: the token is read from the fragment (which never
 * leaves the browser) and the fragment is then removed from the address bar and history entry.
 */
export function takeShareToken(location: Location, history: History): string | null {
  const match = /^#share=([A-Za-z0-9._~+/=-]+)$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]);
}
