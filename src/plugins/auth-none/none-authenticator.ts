import type { AuthRequest, AuthResult, Authenticator } from '../../plugin-api';
import { isLoopbackHost } from '../shared/is-loopback-host';

/** Headers a reverse proxy or tunnel adds: a request carrying one did not come straight from this machine. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'cf-connecting-ip', 'true-client-ip'];

/** The host part of a Host header (`[::1]:4020` → `::1`, `localhost:4020` → `localhost`). */
function hostName(header: string): string {
  const match = /^\[([^\]]+)\](?::\d+)?$/.exec(header) ?? /^([^:]+)(?::\d+)?$/.exec(header);
  return match?.[1] ?? header;
}

/**
 * Admits every direct local request as admin: no credentials at all. As a last line of defence for
 * when the agent is reached anyway, it only admits requests that come from a loopback address,
 * name a loopback host (a DNS-rebinding page names its own), and carry no proxy or tunnel headers
 * (behind a tunnel every request arrives from loopback). Anything else passes to the rest of the
 * chain, which ends in 401.
 */
export class NoneAuthenticator implements Authenticator {
  readonly id = 'auth-none';

  authenticate(request: AuthRequest): AuthResult {
    const { headers } = request;
    const direct = FORWARDING_HEADERS.every((name) => headers[name] === undefined);
    const local = isLoopbackHost(request.remoteAddress) && isLoopbackHost(hostName(headers['host'] ?? ''));
    if (!direct || !local) return { kind: 'pass' };
    return { kind: 'allow', principal: { id: 'anonymous-admin', role: 'admin', via: this.id } };
  }
}
