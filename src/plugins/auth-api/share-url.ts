import type { HttpRequest } from '../../plugin-api';

/** A Host header we are willing to put into a link: a host name or address and an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin a share link points at: the configured `publicUrl` (say, the tunnel's address), else
 * the page that asked (its `Origin`, which browsers set on POST), else the Host the request came to,
 * else the agent's local URL. The token goes in the fragment (`#share=`), which browsers never send
 * to a server, so it stays out of access logs, proxies and Referer headers.
 */
export function shareUrl(token: string, request: HttpRequest, publicUrl: string | undefined, localUrl: string | null): string {
  return `${shareOrigin(request, publicUrl, localUrl)}/#share=${token}`;
}

function shareOrigin(request: HttpRequest, publicUrl: string | undefined, localUrl: string | null): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  const origin = request.headers['origin'];
  if (origin !== undefined) {
    try {
      const url = new URL(origin);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
    } catch {
      // not an origin: fall through
    }
  }
  const host = request.headers['host'];
  if (host !== undefined && HOST.test(host)) return `http://${host}`;
  return localUrl ?? '';
}
