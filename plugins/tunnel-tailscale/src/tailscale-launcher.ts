import { requireExecutable, watchPublicUrl, type TunnelLaunch, type TunnelLauncher, type TunnelLauncherDeps } from 'tunnelforge/plugin';
import { explainTailscaleLine } from './explain-tailscale-line';
import { readTailscaleStatus } from './read-tailscale-status';
import type { TailscaleConfig } from './tailscale-config';
import { tailscalePublicUrl } from './tailscale-public-url';

/** The line `tailscale serve|funnel` prints once the proxy is configured and answering. */
const AVAILABLE = /^Available (within your tailnet|on the internet):/;

/**
 * Runs `tailscale serve --https=<port> <local URL>` (or `funnel`) in the foreground. Foreground on
 * purpose: tailscaled keeps that serve config for as long as this CLI process is connected and
 * removes it when the process ends, whichever way (stop, crash, the agent killed). So stopping the
 * tunnel removes exactly the config it created, and a serve config the user made themselves
 * (`tailscale serve --bg …`) is never touched. The public URL is the machine's MagicDNS name from
 * `tailscale status --json`, which also tells a logged-out or stopped tailscale apart in words.
 */
export class TailscaleLauncher implements TunnelLauncher {
  readonly tool = 'tailscale';

  constructor(private readonly deps: TunnelLauncherDeps, private readonly config: TailscaleConfig) {}

  async launch(localUrl: string, signal: AbortSignal): Promise<TunnelLaunch> {
    const file = await requireExecutable(this.deps.platform, 'tailscale');
    const status = await this.deps.processes.run(file, ['status', '--json'], { timeoutMs: this.config.statusTimeoutMs });
    if (status.code !== 0) {
      const reason = firstLine(status.stderr) || firstLine(status.stdout) || `exit code ${status.code ?? status.signal}`;
      throw new Error(/tailscaled/i.test(reason) ? `tailscaled is not running on this machine: ${reason}` : `tailscale status failed: ${reason}`);
    }
    const self = readTailscaleStatus(status.stdout);
    signal.throwIfAborted();
    const publicUrl = tailscalePublicUrl(self.dnsName, this.config.httpsPort);
    const child = this.deps.processes.spawn(file, [this.config.mode, `--https=${this.config.httpsPort}`, localUrl]);
    return watchPublicUrl(child, {
      clock: this.deps.clock,
      signal,
      fromLine: (line) => (AVAILABLE.test(line.trim()) ? publicUrl : null),
    });
  }

  explain(line: string): string | null {
    return explainTailscaleLine(line);
  }
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}
