import type { AuthRequest, AuthResult, Authenticator, Logger, Role, TunnelStatus } from 'tunnelforge/plugin';
import { decodeHeaderValue } from './decode-header-value';
import { isLoopbackAddress, isTailscaleAddress } from './is-local-address';
import type { TailscaleConfig } from './tailscale-config';

/** `Principal.credential` of every principal this authenticator admits: revoked together when the tunnel goes down. */
export const TAILSCALE_IDENTITY_CREDENTIAL = 'tailscale:identity';

/** What the authenticator needs to know about the agent and the tunnel, read on every request. */
export interface TailscaleIdentityContext {
  /** The tailscale tunnel's status, or null when it was never created. */
  tunnel(): TunnelStatus | null;
  /** The address the agent binds. */
  agentHost(): string;
  log: Logger;
  now(): number;
}

/**
 * Opt-in: admits a request as the tailnet user in `Tailscale-User-Login`, with the role that
 * `identity.users` gives that login. The headers are trusted only when the request can have come
 * through this plugin's own `tailscale serve` proxy, that is when all of these hold:
 *
 * - the tailscale tunnel is up, in `serve` mode (Funnel traffic carries no identity);
 * - the agent binds loopback only, and the request's peer is loopback (serve proxies from
 *   127.0.0.1), or a tailnet address when `trustProxy` took it from `X-Forwarded-For`;
 * - the request has what tailscaled's serve proxy adds and nobody else needs to: one tailnet
 *   address in `X-Forwarded-For`, `X-Forwarded-Proto: https`, `X-Forwarded-Host` equal to the
 *   tunnel's host, `Tailscale-Headers-Info`, and no `Tailscale-Funnel-Request`.
 *
 * tailscaled deletes these headers from what a client sends before setting its own, so they cannot
 * be forged through the proxy. What remains (docs/security.md): any process on this machine can
 * connect to the loopback port and send them while the tunnel is up. Headers that fail a check are
 * ignored (the request needs another credential), never an error that would reveal which check.
 */
export class TailscaleIdentityAuthenticator implements Authenticator {
  readonly id = 'tunnel-tailscale';
  private lastWarning = -Infinity;

  constructor(private readonly config: TailscaleConfig, private readonly context: TailscaleIdentityContext) {}

  authenticate(request: AuthRequest): AuthResult {
    const header = request.headers['tailscale-user-login'];
    if (!this.config.identity.enabled || header === undefined) return { kind: 'pass' };
    const refusal = this.untrusted(request);
    if (refusal !== null) {
      this.warn(refusal);
      return { kind: 'pass' };
    }
    const login = decodeHeaderValue(header);
    const users = this.config.identity.users;
    const role: Role | undefined = Object.hasOwn(users, login) ? users[login] : undefined;
    if (role === undefined) {
      this.context.log.debug('tailscale user has no role in identity.users; other credentials apply', { login });
      return { kind: 'pass' };
    }
    return { kind: 'allow', principal: { id: `tailscale:${login}`, role, via: this.id, credential: TAILSCALE_IDENTITY_CREDENTIAL } };
  }

  /** Why the identity headers of `request` cannot be trusted, or null when they can. */
  private untrusted(request: AuthRequest): string | null {
    const tunnel = this.context.tunnel();
    if (tunnel === null || tunnel.state !== 'up' || tunnel.publicUrl === null) return 'the tailscale tunnel is not up';
    if (this.config.mode !== 'serve') return 'the tunnel runs in funnel mode, which carries no identity';
    if (!isLoopbackAddress(this.context.agentHost())) return `the agent listens on ${this.context.agentHost()}, not on loopback only`;
    if (!isLoopbackAddress(request.remoteAddress) && !isTailscaleAddress(request.remoteAddress)) return 'the request did not come from this machine';
    const h = request.headers;
    const forwardedFor = (h['x-forwarded-for'] ?? '').trim();
    if (!isTailscaleAddress(forwardedFor)) return 'X-Forwarded-For is not one tailnet address';
    if (h['x-forwarded-proto'] !== 'https') return 'X-Forwarded-Proto is not https';
    if ((h['x-forwarded-host'] ?? '').toLowerCase() !== new URL(tunnel.publicUrl).host) return 'X-Forwarded-Host is not the tunnel host';
    if (h['tailscale-headers-info'] === undefined) return 'Tailscale-Headers-Info is missing';
    if (h['tailscale-funnel-request'] !== undefined) return 'a Funnel request carries no identity';
    return null;
  }

  /** At most one warning a minute: a client repeating bad headers must not flood the log. */
  private warn(reason: string): void {
    const now = this.context.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    this.context.log.warn('ignored Tailscale identity headers', { reason });
  }
}
