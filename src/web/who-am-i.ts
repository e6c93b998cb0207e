import type { ApiClient } from './api-client';
import type { Principal } from './principal';

/**
 * The principal of the page's credential (`GET /api/auth/me`). Throws TunnelForgeError 401 when the
 * credential is missing or refused (an agent with `auth-none` answers without one).
 */
export function whoAmI(api: ApiClient): Promise<Principal> {
  return api.json<Principal>('GET', '/api/auth/me');
}
