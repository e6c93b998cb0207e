import type { AuthRequest, AuthResult, Authenticator } from '../../plugin-api';
import { bearerToken } from '../shared/bearer-token';
import { constantTimeEqual } from '../shared/constant-time-equal';
import { LOCAL_TOKEN_PREFIX } from './local-token-file';

/**
 * Admits whoever presents the token from the local token file. Only the agent's OS user can read
 * that file, which is what makes it "local"; the peer address is never trusted (behind a tunnel
 * every request comes from loopback).
 */
export class LocalTokenAuthenticator implements Authenticator {
  readonly id = 'auth-local';
  private token: string | null = null;

  /** Set once the token file is read (in activate); until then every request passes. */
  setToken(token: string | null): void {
    this.token = token;
  }

  authenticate(request: AuthRequest): AuthResult {
    const presented = bearerToken(request);
    if (!presented || !presented.startsWith(LOCAL_TOKEN_PREFIX)) return { kind: 'pass' };
    if (this.token && constantTimeEqual(presented, this.token)) {
      return { kind: 'allow', principal: { id: 'local', role: 'admin', via: this.id } };
    }
    return { kind: 'deny', status: 401, code: 'TF_ERR_BAD_TOKEN', message: 'local token does not match' };
  }
}
