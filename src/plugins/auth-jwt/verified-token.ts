import type { Principal } from '../../plugin-api';

/** The outcome of checking a JWT: the principal it stands for and its ids, or why it is refused. */
export type VerifiedToken =
  | { ok: true; principal: Principal; jti: string; familyId: string | null; expiresAtMs: number; audience: 'access' | 'share' }
  | { ok: false; code: 'TF_ERR_BAD_TOKEN' | 'TF_ERR_TOKEN_EXPIRED' | 'TF_ERR_TOKEN_REVOKED'; message: string };
