import { AgentInfo, Authenticator, Clock, CredentialRevoked, definePlugin, Logger, PlatformInfo, ProcessRunner, SupervisedTunnel, TunnelProvider } from 'tunnelforge/plugin';
import { tailscaleConfigSchema } from './tailscale-config';
import { TAILSCALE_IDENTITY_CREDENTIAL, TailscaleIdentityAuthenticator } from './tailscale-identity-authenticator';
import { TailscaleLauncher } from './tailscale-launcher';

export { TAILSCALE_IDENTITY_CREDENTIAL } from './tailscale-identity-authenticator';

/** Provider id of this tunnel (`POST /api/tunnels/tailscale/start`). */
export const TAILSCALE_TUNNEL_ID = 'tailscale';

/**
 * Exposes the agent on this machine's tailnet name with `tailscale serve` (tailnet only), or to the
 * internet with `tailscale funnel` when `mode: 'funnel'` is configured. The serve config lives as
 * long as the supervised `tailscale` process. Also provides an opt-in authenticator that maps the
 * serve proxy's `Tailscale-User-Login` header to a role (off unless `identity.enabled`).
 */
export default definePlugin({
  id: 'tunnel-tailscale',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Tunnel through tailscale serve (tailnet) or funnel (internet); optional Tailscale identity login',
  platforms: ['darwin', 'linux', 'win32'],
  provides: [TunnelProvider, Authenticator],
  config: tailscaleConfigSchema,
  detect: async ({ which }) => ((await which('tailscale')) ? true : 'tailscale not found on PATH'),
  register(reg, config) {
    // Per agent (register runs once per kernel): the authenticator reads the tunnel it sits behind.
    let tunnel: SupervisedTunnel | undefined;
    reg.provide(TunnelProvider, {
      deps: { platform: PlatformInfo, processes: ProcessRunner, clock: Clock, log: Logger },
      create: ({ platform, processes, clock, log }) =>
        (tunnel = new SupervisedTunnel({
          id: TAILSCALE_TUNNEL_ID,
          launcher: new TailscaleLauncher({ platform, processes, clock }, config),
          clock,
          log,
          urlTimeoutMs: config.urlTimeoutMs,
          restart: config.restart,
        })),
    });
    reg.provide(Authenticator, {
      deps: { agent: AgentInfo, log: Logger, clock: Clock },
      create: ({ agent, log, clock }) =>
        new TailscaleIdentityAuthenticator(config, { tunnel: () => tunnel?.status() ?? null, agentHost: () => agent.host, log, now: () => clock.now() }),
    });
  },
  activate(ctx) {
    if (!ctx.config.identity.enabled) return;
    // Identity is trusted only while the tunnel is up: when it goes down, so do the connections it admitted.
    const provider = ctx.getAll(TunnelProvider).find((p) => p.id === TAILSCALE_TUNNEL_ID);
    let wasUp = false;
    ctx.onDispose(
      provider?.onStatus((status) => {
        if (wasUp && status.state !== 'up') ctx.events.publish(CredentialRevoked, { credential: TAILSCALE_IDENTITY_CREDENTIAL, reason: 'tailscale tunnel down' });
        wasUp = status.state === 'up';
      }) ?? { dispose: () => undefined },
    );
  },
  deactivate: (ctx) => SupervisedTunnel.stopProvided(ctx, TAILSCALE_TUNNEL_ID),
});
