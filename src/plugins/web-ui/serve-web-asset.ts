import type { HttpRequest, HttpResponse } from '../../plugin-api';
import type { WebAsset } from './web-asset';

/** Whether an Accept-Encoding header accepts `coding` (q=0 refuses it). */
function accepts(header: string | undefined, coding: string): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name.trim() !== coding) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * The response for one web client file: its type and caching headers, the page's CSP on
 * index.html (and the worker's on sw.js), a precompressed body when the client accepts it, 304 on a matching If-None-Match.
 */
export function serveWebAsset(asset: WebAsset, request: HttpRequest): HttpResponse {
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'cache-control': asset.cacheControl,
    etag: asset.etag,
    vary: 'accept-encoding',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (asset.csp !== undefined) headers['content-security-policy'] = asset.csp;
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) return { status: 304, headers };
  const acceptEncoding = request.headers['accept-encoding'];
  if (asset.brotli && accepts(acceptEncoding, 'br')) return { body: asset.brotli, headers: { ...headers, 'content-encoding': 'br' } };
  if (asset.gzip && accepts(acceptEncoding, 'gzip')) return { body: asset.gzip, headers: { ...headers, 'content-encoding': 'gzip' } };
  return { body: asset.body, headers };
}
