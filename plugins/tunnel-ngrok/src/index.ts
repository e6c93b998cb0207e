import { Clock, definePlugin, Logger, PlatformInfo, ProcessRunner, SupervisedTunnel, TunnelProvider } from 'tunnelforge/plugin';
import { NgrokLauncher } from './ngrok-launcher';
import { ngrokConfigSchema } from './ngrok-config';

/** Provider id of this tunnel (`POST /api/tunnels/ngrok/start`). */
export const NGROK_TUNNEL_ID = 'ngrok';

/** Providers this plugin created, so `deactivate` stops exactly its own (one per kernel). */
const created = new WeakSet<TunnelProvider>();

/**
 * Exposes the agent through the ngrok agent CLI (v3). The public URL is read from ngrok's local API
 * or its log; ngrok runs as a supervised child process, restarted with back-off if it dies.
 */
export default definePlugin({
  id: 'tunnel-ngrok',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Tunnel through the ngrok agent',
  platforms: ['darwin', 'linux', 'win32'],
  provides: [TunnelProvider],
  config: ngrokConfigSchema,
  detect: async ({ which }) => ((await which('ngrok')) ? true : 'ngrok not found on PATH'),
  register(reg, config) {
    reg.provide(TunnelProvider, {
      deps: { platform: PlatformInfo, processes: ProcessRunner, clock: Clock, log: Logger },
      create: ({ platform, processes, clock, log }) => {
        const tunnel = new SupervisedTunnel({
          id: NGROK_TUNNEL_ID,
          launcher: new NgrokLauncher({ platform, processes, clock }, config),
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
