import { definePlugin, SupervisedTunnel, TunnelProvider } from 'tunnelforge/plugin';
import { cloudflareConfigSchema } from './cloudflare-config';
import { CloudflaredLauncher } from './cloudflared-launcher';

/** Provider id of this tunnel (`POST /api/tunnels/cloudflare/start`). */
export const CLOUDFLARE_TUNNEL_ID = 'cloudflare';

/**
 * Exposes the agent through Cloudflare: a quick tunnel on trycloudflare.com by default, or a named
 * tunnel when `token` and `hostname` are configured. cloudflared runs as a supervised child process:
 * restarted with back-off if it dies, stopped with the agent.
 */
export default definePlugin({
  id: 'tunnel-cloudflare',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Tunnel through cloudflared (quick or named tunnel)',
  platforms: ['darwin', 'linux', 'win32'],
  provides: [TunnelProvider],
  config: cloudflareConfigSchema,
  detect: async ({ which }) => ((await which('cloudflared')) ? true : 'cloudflared not found on PATH'),
  register(reg, config) {
    SupervisedTunnel.provide(reg, { id: CLOUDFLARE_TUNNEL_ID, urlTimeoutMs: config.urlTimeoutMs, restart: config.restart, launcher: (deps) => new CloudflaredLauncher(deps, config) });
  },
  deactivate: (ctx) => SupervisedTunnel.stopProvided(ctx, CLOUDFLARE_TUNNEL_ID),
});
