import { randomBytes } from 'node:crypto';

const PATTERN = /^tfr_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** A refresh token's parts: the login session ("family") it belongs to, and its secret. */
export interface RefreshTokenParts {
  familyId: string;
  secret: string;
}

/** A new refresh token `tfr_<family>_<secret>` (the secret is 256 random bits). */
export function formatRefreshToken(familyId: string): { token: string; secret: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `tfr_${familyId}_${secret}`, secret };
}

/** The parts of a refresh token, or `null` when it is not one. */
export function parseRefreshToken(token: unknown): RefreshTokenParts | null {
  if (typeof token !== 'string') return null;
  const match = PATTERN.exec(token);
  return match === null ? null : { familyId: match[1], secret: match[2] };
}
