import { createPublicKey } from 'node:crypto';
import { HttpError } from '../../plugin-api';
import { isLoopbackHost } from '../shared/is-loopback-host';

/**
 * Refuses an endpoint a push could not (or must not) be sent to: not a URL, not `https:` (plain
 * `http:` only on a loopback address and only with `allowInsecureEndpoints`, for a test push
 * service), credentials in the URL, or a fragment. Throws 400 `TF_ERR_BAD_PUSH_ENDPOINT`.
 */
export function checkPushEndpoint(endpoint: string, allowInsecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HttpError(400, 'TF_ERR_BAD_PUSH_ENDPOINT', 'endpoint is not a URL');
  }
  if (url.username !== '' || url.password !== '') throw new HttpError(400, 'TF_ERR_BAD_PUSH_ENDPOINT', 'endpoint must not carry user name or password');
  if (url.hash !== '') throw new HttpError(400, 'TF_ERR_BAD_PUSH_ENDPOINT', 'endpoint must not have a fragment');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowInsecure && isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ''))) return url;
  throw new HttpError(
    400,
    'TF_ERR_BAD_PUSH_ENDPOINT',
    allowInsecure ? 'endpoint must be an https: URL (http: only on a loopback address)' : 'endpoint must be an https: URL',
  );
}

/**
 * Refuses keys a push could not be encrypted to (RFC 8291): `p256dh` must be an uncompressed
 * point on P-256 (65 bytes, 0x04 first) and `auth` a 16-byte secret, both base64url. Checked here
 * so a bad subscription is refused when it is made, not on every push. Throws 400 `TF_ERR_BAD_PUSH_KEYS`.
 */
export function checkPushKeys(keys: { p256dh: string; auth: string }): void {
  const bad = (message: string) => new HttpError(400, 'TF_ERR_BAD_PUSH_KEYS', message);
  const base64url = /^[A-Za-z0-9_-]+={0,2}$/;
  if (!base64url.test(keys.p256dh)) throw bad('keys.p256dh is not base64url');
  if (!base64url.test(keys.auth)) throw bad('keys.auth is not base64url');
  const point = Buffer.from(keys.p256dh, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) throw bad(`keys.p256dh must be an uncompressed P-256 point (65 bytes starting with 0x04), got ${point.length} bytes`);
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  } catch {
    throw bad('keys.p256dh is not a point on the P-256 curve');
  }
  const auth = Buffer.from(keys.auth, 'base64url');
  if (auth.length !== 16) throw bad(`keys.auth must be 16 bytes, got ${auth.length}`);
}
