import { randomBytes } from 'node:crypto';

/** Prefix of API tokens, so they are recognisable in a leak scan and told apart from other bearer tokens. */
export const API_TOKEN_PREFIX = 'tft_';
const PATTERN = /^tft_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new API token `tft_<id>_<secret>`: a public id (to list and revoke it by) and 256 random bits. */
export function newApiToken(): { id: string; secret: string; token: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${API_TOKEN_PREFIX}${id}_${secret}` };
}

/** The id and secret of an API token, or `null` when `token` is not one. */
export function parseApiToken(token: string): { id: string; secret: string } | null {
  const match = PATTERN.exec(token);
  return match === null ? null : { id: match[1], secret: match[2] };
}

/** `Principal.credential` of the requests an API token admits (and of `auth.revoked` when it goes). */
export function apiTokenCredential(id: string): string {
  return `token:${id}`;
}
