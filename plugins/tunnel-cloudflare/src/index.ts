import { definePlugin } from 'tunnelforge/plugin';

/**
 * Exposes the agent through cloudflared. This package is a placeholder until the tunnel provider lands:
 * it only probes for the binary, so `plugins ls` tells whether the tunnel could run here.
 */
export default definePlugin({
  id: 'tunnel-cloudflare',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Tunnel through cloudflared (provider not implemented yet)',
  platforms: ['darwin', 'linux', 'win32'],
  detect: async ({ which }) => ((await which('cloudflared')) ? true : 'cloudflared not found on PATH'),
});
