import { definePlugin } from 'tunnelforge/plugin';

/**
 * Exposes the agent through ngrok. This package is a placeholder until the tunnel provider lands:
 * it only probes for the binary, so `plugins ls` tells whether the tunnel could run here.
 */
export default definePlugin({
  id: 'tunnel-ngrok',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Tunnel through ngrok (provider not implemented yet)',
  platforms: ['darwin', 'linux', 'win32'],
  detect: async ({ which }) => ((await which('ngrok')) ? true : 'ngrok not found on PATH'),
});
