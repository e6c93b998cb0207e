import { describeTunnelProviderContract } from 'tunnelforge/testkit';
import tunnelCloudflare from '../../../plugins/tunnel-cloudflare/src';
import tunnelNgrok from '../../../plugins/tunnel-ngrok/src';
import tunnelTailscale from '../../../plugins/tunnel-tailscale/src';
import { startTunnelKernel } from './tunnel-kernel';

const LOCAL_URL = 'http://127.0.0.1:4020';

function subject(...args: Parameters<typeof startTunnelKernel>) {
  return async () => {
    const { provider, bin, cleanup } = await startTunnelKernel(...args);
    const tool = args[1];
    return { provider, localUrl: LOCAL_URL, pids: () => bin.pids(tool), cleanup };
  };
}

describeTunnelProviderContract('tunnel-cloudflare, quick tunnel (fake cloudflared)', subject(tunnelCloudflare, 'cloudflared'));

describeTunnelProviderContract('tunnel-cloudflare, quick tunnel, URL only on /quicktunnel', subject(tunnelCloudflare, 'cloudflared', { FAKE_CLOUDFLARED_MODE: 'quiet' }));

describeTunnelProviderContract('tunnel-cloudflare, named tunnel with a token', subject(tunnelCloudflare, 'cloudflared', {}, { token: 'eyJhIjoiZmFrZS10b2tlbiJ9', hostname: 'term.example.com' }));

describeTunnelProviderContract('tunnel-ngrok (fake ngrok)', subject(tunnelNgrok, 'ngrok'));

describeTunnelProviderContract('tunnel-ngrok, URL only on the local API', subject(tunnelNgrok, 'ngrok', { FAKE_NGROK_MODE: 'quiet' }));

describeTunnelProviderContract('tunnel-tailscale, serve (fake tailscale)', subject(tunnelTailscale, 'tailscale'));

describeTunnelProviderContract('tunnel-tailscale, funnel on 8443 (fake tailscale)', subject(tunnelTailscale, 'tailscale', {}, { mode: 'funnel', httpsPort: 8443 }));
