import type { Access } from '../plugin-api/http-routes';
import type { AuthRequest, Authenticator } from '../plugin-api/authenticator';
import type { Logger } from '../plugin-api/core-services';
import type { AuthOutcome } from './auth-outcome';
import { roleAllows } from './role-allows';
import { runAuthChain } from './run-auth-chain';

/**
 * The one gate in front of every route, SSE stream and WebSocket upgrade: `public` skips the chain
 * (principal `null`); anything else needs an authenticated principal whose role reaches `access`.
 */
export async function authorize(access: Access, chain: () => readonly Authenticator[], request: AuthRequest, log: Logger): Promise<AuthOutcome> {
  if (access === 'public') return { ok: true, principal: null };
  const outcome = await runAuthChain(chain, request, log);
  if (!outcome.ok || outcome.principal === null) return outcome;
  if (!roleAllows(outcome.principal.role, access)) {
    return { ok: false, status: 403, code: 'TF_ERR_FORBIDDEN', message: `This needs the ${access} role`, headers: {} };
  }
  return outcome;
}
