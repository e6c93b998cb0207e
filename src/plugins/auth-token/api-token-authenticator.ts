import type { AuthRequest, AuthResult, Authenticator } from '../../plugin-api';
import { bearerToken } from '../shared/bearer-token';
import { constantTimeEqual } from '../shared/constant-time-equal';
import { sha256Hex } from '../shared/sha256-hex';
import { API_TOKEN_PREFIX, apiTokenCredential, parseApiToken } from './api-token-format';
import type { ApiTokenRegistry } from './api-token-registry';

/**
 * Admits `tft_` API tokens (`Authorization: Bearer`, or the `tunnelforge.bearer.` WebSocket
 * subprotocol). The id part finds the record; the secret is compared by hash in constant time. An
 * unknown, revoked or expired token is denied outright; other bearer tokens pass.
 */
export class ApiTokenAuthenticator implements Authenticator {
  readonly id = 'auth-token';
  constructor(private readonly registry: ApiTokenRegistry) {}

  async authenticate(request: AuthRequest): Promise<AuthResult> {
    const presented = bearerToken(request);
    if (presented === null || !presented.startsWith(API_TOKEN_PREFIX)) return { kind: 'pass' };
    const parts = parseApiToken(presented);
    const record = parts === null ? undefined : await this.registry.lookup(parts.id);
    if (parts === null || record === undefined || !constantTimeEqual(sha256Hex(parts.secret), record.hash)) {
      return { kind: 'deny', status: 401, code: 'TF_ERR_BAD_TOKEN', message: 'Unknown or revoked API token' };
    }
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= this.registry.now()) {
      return { kind: 'deny', status: 401, code: 'TF_ERR_TOKEN_EXPIRED', message: 'The API token has expired' };
    }
    const principal = { id: `token:${record.id}`, role: record.role, via: this.id, credential: apiTokenCredential(record.id) };
    return { kind: 'allow', principal: record.expiresAt === null ? principal : { ...principal, expiresAt: record.expiresAt } };
  }
}
