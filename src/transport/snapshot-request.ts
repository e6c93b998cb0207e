import type * as uWS from 'uWebSockets.js';
import type { RequestSnapshot } from './request-snapshot';

/**
 * Copies a uWS request. Must run synchronously at the top of a uWS handler, before any `await`.
 * With `trustProxy` the remote address is the last `X-Forwarded-For` hop: the one our own proxy
 * appended (earlier entries are whatever the client sent).
 */
export function snapshotRequest(req: uWS.HttpRequest, res: uWS.HttpResponse, trustProxy: boolean): RequestSnapshot {
  const collected = new Map<string, string>();
  req.forEach((name, value) => {
    const key = name.toLowerCase();
    const previous = collected.get(key);
    collected.set(key, previous === undefined ? value : `${previous}, ${value}`);
  });
  // fromEntries defines own properties, so a header named `__proto__` stays a plain string field.
  const headers = Object.freeze(Object.fromEntries(collected)) as Readonly<Record<string, string>>;
  let remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString('latin1');
  if (trustProxy) {
    const hops = (headers['x-forwarded-for'] ?? '').split(',').map((hop) => hop.trim()).filter((hop) => hop !== '');
    if (hops.length > 0) remoteAddress = hops[hops.length - 1];
  }
  return {
    method: req.getCaseSensitiveMethod(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    remoteAddress,
  };
}
