import { definePlugin, SupervisedTunnel, TunnelProvider } from 'tunnelforge/plugin';
import { NgrokLauncher } from './ngrok-launcher';
import { ngrokConfigSchema } from './ngrok-config';

/** Provider id of this tunnel (`POST /api/tunnels/ngrok/start`). */
export const NGROK_TUNNEL_ID = 'ngrok';

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
    SupervisedTunnel.provide(reg, { id: NGROK_TUNNEL_ID, urlTimeoutMs: config.urlTimeoutMs, restart: config.restart, launcher: (deps) => new NgrokLauncher(deps, config) });
  },
  deactivate: (ctx) => SupervisedTunnel.stopProvided(ctx, NGROK_TUNNEL_ID),
});
