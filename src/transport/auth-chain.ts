// Authentication and authorization of every route, stream and upgrade: the authenticator chain, then the role check.
import type { Access } from '../plugin-api/http-routes';
import type { AuthRequest, Authenticator, Principal, Role } from '../plugin-api/authenticator';
import type { Logger } from '../plugin-api/core-services';

/** The transport's decision on one request: go ahead as `principal`, or answer with this error. */
export type AuthOutcome =
  | { ok: true; principal: Principal | null }
  | { ok: false; status: number; code: string; message: string; headers: Record<string, string> };

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

const RANK: Readonly<Record<Role, number>> = { viewer: 1, writer: 2, admin: 3 };

/** admin > writer > viewer. An unknown role (a buggy authenticator) allows nothing. */
export function roleAllows(role: unknown, required: Role): boolean {
  const rank = typeof role === 'string' && Object.hasOwn(RANK, role) ? RANK[role as Role] : 0;
  return rank > 0 && rank >= RANK[required];
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="tunnelforge"' };
const DENY_STATUSES = new Set([401, 403, 429]);
const ROLES = new Set(['admin', 'writer', 'viewer']);

function unauthenticated(message: string): AuthOutcome {
  return { ok: false, status: 401, code: 'TF_ERR_UNAUTHENTICATED', message, headers: { ...CHALLENGE } };
}

function isPrincipal(value: unknown): value is Principal {
  const p = value as Partial<Principal> | null;
  return typeof p === 'object' && p !== null && typeof p.id === 'string' && p.id !== '' && typeof p.via === 'string' && ROLES.has(p.role as string);
}

/**
 * Runs the authenticator chain, failing closed: the first `allow` wins, a `deny` stops the chain with
 * its own status and code, and when everyone passes the request is unauthenticated (401). A throwing
 * or malformed authenticator counts as a deny (401), never as a 500 that a client could mistake for
 * "try again" and never as an allow.
 */
export async function runAuthChain(chain: () => readonly Authenticator[], request: AuthRequest, log: Logger): Promise<AuthOutcome> {
  let authenticators: readonly Authenticator[];
  try {
    authenticators = chain();
  } catch (error) {
    log.error('auth chain unavailable', { error: (error as Error)?.message });
    return unauthenticated('Authentication is unavailable');
  }
  for (const authenticator of authenticators) {
    let result: unknown;
    try {
      result = await authenticator.authenticate(request);
    } catch (error) {
      // Message only: authenticators must keep secrets out of their errors; request data is never logged.
      log.warn('authenticator threw; request denied', { authenticator: authenticator.id, error: (error as Error)?.message });
      return unauthenticated('Authentication failed');
    }
    const verdict = result as { kind?: unknown; principal?: unknown; status?: unknown; code?: unknown; message?: unknown } | null;
    switch (verdict?.kind) {
      case 'pass':
        continue;
      case 'allow':
        if (isPrincipal(verdict.principal)) return { ok: true, principal: verdict.principal };
        log.warn('authenticator allowed without a valid principal; request denied', { authenticator: authenticator.id });
        return unauthenticated('Authentication failed');
      case 'deny': {
        const status = typeof verdict.status === 'number' && DENY_STATUSES.has(verdict.status) ? verdict.status : 401;
        const code = typeof verdict.code === 'string' && verdict.code !== '' ? verdict.code : 'TF_ERR_UNAUTHENTICATED';
        const message = typeof verdict.message === 'string' ? verdict.message : 'Authentication failed';
        return { ok: false, status, code, message, headers: status === 401 ? { ...CHALLENGE } : {} };
      }
      default:
        log.warn('authenticator returned an unknown verdict; request denied', { authenticator: authenticator.id });
        return unauthenticated('Authentication failed');
    }
  }
  return unauthenticated('Authentication required');
}

