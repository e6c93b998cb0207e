/**
 * A pairing link is `<origin>/#pair=<code>`: the code is read from the fragment (which never leaves
 * the browser) and the fragment is then removed from the address bar and history entry.
 */
export function takePairingCode(location: Location, history: History): string | null {
  const match = /^#pair=([A-Za-z0-9-]{4,32})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return match[1];
}
