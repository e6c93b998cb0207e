import { getLocalJson, watchPublicUrl, type Clock, type ManagedProcess, type TunnelLaunch } from 'tunnelforge/plugin';
import { parseNgrokLine } from './parse-ngrok-line';
import { pickPublicUrl } from './pick-public-url';

/** What {@link watchNgrok} needs to know about the run. */
export interface NgrokWatchOptions {
  /** `host:port` of ngrok's local API when fixed by config; else read from ngrok's log. */
  webAddress: string | null;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Find the public URL of a running ngrok from its local agent API (`GET /api/tunnels`, https
 * preferred) or its `started tunnel … url=` log line, whichever comes first. The API is only asked
 * once this ngrok has said where it listens (or the port is fixed by config): port 4040 may belong
 * to another ngrok on the machine, whose tunnel is not ours.
 */
export function watchNgrok(child: ManagedProcess, options: NgrokWatchOptions): TunnelLaunch {
  let webAddress = options.webAddress;
  return watchPublicUrl(child, {
    clock: options.clock,
    signal: options.signal,
    fromLine(line) {
      const info = parseNgrokLine(line);
      if (info.kind === 'web') webAddress ??= info.address;
      return info.kind === 'url' ? info.url : null;
    },
    async poll() {
      return webAddress ? pickPublicUrl((await getLocalJson(`http://${webAddress}/api/tunnels`)).body) : null;
    },
  });
}
