import { getLocalJson, watchPublicUrl, type Clock, type ManagedProcess, type TunnelLaunch } from 'tunnelforge/plugin';
import { parseCloudflaredLine } from './parse-cloudflared-line';
import { quickTunnelUrl } from './quick-tunnel-url';

/** What {@link watchCloudflared} needs to know about the run. */
export interface CloudflaredWatchOptions {
  /** For a named tunnel: its public hostname. Absent for a quick tunnel. */
  hostname?: string;
  /** `host:port` of the metrics server when fixed by config; else read from the log. */
  metricsAddress: string | null;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Find the public URL of a running cloudflared from its log (the quick-tunnel box, or "Registered
 * tunnel connection" for a named tunnel) or its metrics server (`GET /quicktunnel`, or `GET /ready`
 * for a named tunnel), whichever answers first. The metrics server covers log formats we do not know.
 */
export function watchCloudflared(child: ManagedProcess, options: CloudflaredWatchOptions): TunnelLaunch {
  const namedUrl = options.hostname ? `https://${options.hostname.toLowerCase()}` : null;
  let metricsAddress = options.metricsAddress;
  return watchPublicUrl(child, {
    clock: options.clock,
    signal: options.signal,
    fromLine(line) {
      const info = parseCloudflaredLine(line);
      if (info.kind === 'metrics') metricsAddress ??= info.address;
      else if (info.kind === 'quick-url' && !namedUrl) return info.url;
      else if (info.kind === 'registered' && namedUrl) return namedUrl;
      return null;
    },
    async poll() {
      if (!metricsAddress) return null;
      if (!namedUrl) return quickTunnelUrl((await getLocalJson(`http://${metricsAddress}/quicktunnel`)).body);
      const ready = await getLocalJson(`http://${metricsAddress}/ready`);
      const connections = (ready.body as { readyConnections?: unknown } | null)?.readyConnections;
      return ready.status === 200 && typeof connections === 'number' && connections > 0 ? namedUrl : null;
    },
  });
}
