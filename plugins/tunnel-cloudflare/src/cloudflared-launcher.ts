import type { TunnelLaunch, TunnelLauncher, TunnelLauncherDeps } from 'tunnelforge/plugin';
import type { CloudflareConfig } from './cloudflare-config';
import { parseCloudflaredLine } from './parse-cloudflared-line';
import { watchCloudflared } from './watch-cloudflared';

/**
 * Starts `cloudflared`: a quick tunnel (`tunnel --url <local>`, URL on trycloudflare.com) or, with a
 * token in config, a named tunnel (`tunnel run`, token in `TUNNEL_TOKEN`, URL from the configured
 * hostname). The executable is the one `PlatformInfo.which` finds, so what `detect` saw is what runs.
 */
export class CloudflaredLauncher implements TunnelLauncher {
  readonly tool = 'cloudflared';

  constructor(private readonly deps: TunnelLauncherDeps, private readonly config: CloudflareConfig) {}

  async launch(localUrl: string, signal: AbortSignal): Promise<TunnelLaunch> {
    const file = await this.deps.platform.which('cloudflared');
    if (!file) throw new Error('cloudflared not found on PATH');
    signal.throwIfAborted();
    const { token, hostname, metricsPort } = this.config;
    const metrics = `127.0.0.1:${metricsPort}`;
    // --no-autoupdate: an update restarts cloudflared behind the supervisor's back.
    const common = ['tunnel', '--no-autoupdate', '--metrics', metrics];
    const child = token
      ? // The token travels in the environment: argv is visible to every local user (ps) and in our logs.
        this.deps.processes.spawn(file, [...common, 'run'], { env: { TUNNEL_TOKEN: token } })
      : // A stray TUNNEL_TOKEN in the agent's environment must not turn a quick tunnel into something else.
        this.deps.processes.spawn(file, [...common, '--url', localUrl], { env: { TUNNEL_TOKEN: undefined } });
    return watchCloudflared(child, {
      hostname: token ? hostname : undefined,
      metricsAddress: metricsPort === 0 ? null : metrics,
      clock: this.deps.clock,
      signal,
    });
  }

  explain(line: string): string | null {
    const info = parseCloudflaredLine(line);
    return info.kind === 'error' ? info.message : null;
  }
}
