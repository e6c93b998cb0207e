import { defineCapability, type Role } from '../../plugin-api';

/** An API token as listed (never its secret or hash). */
export interface ApiTokenInfo {
  id: string;
  name: string;
  role: Role;
  /** ISO time. */
  createdAt: string;
  /** ISO time, or `null` for a token that does not expire. */
  expiresAt: string | null;
}

/**
 * Long-lived API tokens (provided by the built-in `auth-token` plugin), kept hashed in
 * `<dataDir>/api-tokens.json`, shared with the `tunnelforge token` commands.
 */
export interface ApiTokens {
  list(): Promise<ApiTokenInfo[]>;
  /**
   * Create a token; the plain token is in the result and nowhere else, ever. `expiresInMs` counts from
   * the token's `createdAt` (one clock reading stamps both, so the lifetime is exact); `null` never expires.
   */
  create(options: { name: string; role: Role; expiresInMs: number | null }): Promise<{ token: string; info: ApiTokenInfo }>;
  /** False when there is no such token. */
  revoke(id: string): Promise<boolean>;
}
export const ApiTokens = defineCapability<ApiTokens>('ApiTokens');
