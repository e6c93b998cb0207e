/** The public URL from a `/quicktunnel` answer (`{"hostname":"<words>.trycloudflare.com"}`), if any. */
export function quickTunnelUrl(body: unknown): string | null {
  const hostname = (body as { hostname?: unknown } | null)?.hostname;
  if (typeof hostname !== 'string' || !/^[a-z0-9.-]+\.trycloudflare\.com$/i.test(hostname)) return null;
  if (hostname.toLowerCase() === 'api.trycloudflare.com') return null;
  return `https://${hostname.toLowerCase()}`;
}
