import type { AuthRequest, AuthResult, Authenticator } from '../../plugin-api';
import { bearerToken } from '../shared/bearer-token';
import { sessionScopeAllows } from '../shared/session-scope-allows';
import { JWT_SHAPE } from './jwt-claims';
import type { JwtTokenService } from './jwt-token-service';

/**
 * Admits requests that carry one of this agent's JWTs (`Authorization: Bearer`, or the
 * `tunnelforge.bearer.<jwt>` WebSocket subprotocol; never the query string). Other bearer tokens
 * pass to the next link; a JWT that fails any check is denied outright, so a stale or forged token
 * gets a clear 401 rather than falling through. Share tokens work only on their session's routes.
 */
export class JwtAuthenticator implements Authenticator {
  readonly id = 'auth-jwt';

  constructor(private readonly tokens: JwtTokenService) {}

  async authenticate(request: AuthRequest): Promise<AuthResult> {
    const token = bearerToken(request);
    if (token === null || !JWT_SHAPE.test(token)) return { kind: 'pass' };
    const verified = await this.tokens.verify(token);
    if (!verified.ok) return { kind: 'deny', status: 401, code: verified.code, message: verified.message };
    const { sessionId } = verified.principal;
    if (sessionId !== undefined && !sessionScopeAllows(request.path, sessionId)) {
      return { kind: 'deny', status: 403, code: 'TF_ERR_FORBIDDEN', message: 'A share link opens its own session only' };
    }
    return { kind: 'allow', principal: verified.principal };
  }
}
