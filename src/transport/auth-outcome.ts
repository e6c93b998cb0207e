import type { Principal } from '../plugin-api/authenticator';

/** The transport's decision on one request: go ahead as `principal`, or answer with this error. */
export type AuthOutcome =
  | { ok: true; principal: Principal | null }
  | { ok: false; status: number; code: string; message: string; headers: Record<string, string> };
