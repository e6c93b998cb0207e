import { Clock, definePlugin, Logger, PlatformInfo, ProcessRunner, SupervisedTunnel, TunnelProvider } from 'tunnelforge/plugin';
import { cloudflareConfigSchema } from './cloudflare-config';
import { CloudflaredLauncher } from './cloudflared-launcher';

/** Provider id of this tunnel (`POST /api/tunnels/cloudflare/start`). */
export const CLOUDFLARE_TUNNEL_ID = 'cloudflare';

/** Providers this plugin created, so `deactivate` stops exactly its own (one per kernel). */
const created = new WeakSet<TunnelProvider>();

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
    reg.provide(TunnelProvider, {
      deps: { platform: PlatformInfo, processes: ProcessRunner, clock: Clock, log: Logger },
      create: ({ platform, processes, clock, log }) => {
        const tunnel = new SupervisedTunnel({
          id: CLOUDFLARE_TUNNEL_ID,
          launcher: new CloudflaredLauncher({ platform, processes, clock }, config),
          clock,
          log,
          urlTimeoutMs: config.urlTimeoutMs,
          restart: config.restart,
        });
        created.add(tunnel);
        return tunnel;
      },
    });
  },
  async deactivate(ctx) {
    await Promise.all(ctx.getAll(TunnelProvider).filter((p) => created.has(p)).map((p) => p.stop()));
  },
});
