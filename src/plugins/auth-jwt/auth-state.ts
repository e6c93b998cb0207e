import { z } from '../../plugin-api';

const role = z.enum(['admin', 'writer', 'viewer']);
/** Token, family and share ids: 128 random bits in hex (which also keeps keys like `__proto__` out). */
const id = z.string().regex(/^[0-9a-f]{32}$/);

/** One login session: the chain of refresh tokens that started with one login. */
export const FamilyRecord = z.strictObject({
  sub: z.string(),
  role,
  /** SHA-256 of the current refresh token's secret. */
  hash: z.string(),
  /** Hashes of refresh tokens already swapped (newest last, bounded): presenting one again means theft. */
  used: z.array(z.string()),
  /** The credential the login was granted for (e.g. a password-hash fingerprint), when the issuer gave one. */
  version: z.string().optional(),
  createdAt: z.number(),
  /** When the current refresh token expires (ms). */
  expiresAt: z.number(),
  /** Set when logged out or revoked; the family's access tokens die with it. */
  revokedAt: z.number().nullable(),
});
export type FamilyRecord = z.output<typeof FamilyRecord>;

/** One read-only share link. */
export const ShareRecord = z.strictObject({
  sessionId: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
export type ShareRecord = z.output<typeof ShareRecord>;

/** Everything `auth-jwt` keeps in `<dataDir>/auth-state.json`. */
export const AuthState = z.strictObject({
  version: z.literal(1),
  /** Revoked token ids (jti) → their expiry (ms), kept until then. */
  revoked: z.record(id, z.number()),
  families: z.record(id, FamilyRecord),
  shares: z.record(id, ShareRecord),
});
export type AuthState = z.output<typeof AuthState>;

/** A state with nothing in it. */
export function emptyAuthState(): AuthState {
  return { version: 1, revoked: {}, families: {}, shares: {} };
}
