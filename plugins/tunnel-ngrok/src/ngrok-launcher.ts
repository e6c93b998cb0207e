import { existsSync } from 'node:fs';
import type { TunnelLaunch, TunnelLauncher, TunnelLauncherDeps } from 'tunnelforge/plugin';
import { defaultNgrokConfigPath } from './default-ngrok-config-path';
import type { NgrokConfig } from './ngrok-config';
import { parseNgrokLine } from './parse-ngrok-line';
import { watchNgrok } from './watch-ngrok';
import { writeWebAddrConfig, type WebAddrConfig } from './write-web-addr-config';

/**
 * Starts `ngrok http <local url> --log stdout --log-format logfmt`. The authtoken goes in
 * `NGROK_AUTHTOKEN`, never in argv; the executable is the one `PlatformInfo.which` finds.
 */
export class NgrokLauncher implements TunnelLauncher {
  readonly tool = 'ngrok';

  constructor(private readonly deps: TunnelLauncherDeps, private readonly config: NgrokConfig) {}

  async launch(localUrl: string, signal: AbortSignal): Promise<TunnelLaunch> {
    const file = await this.deps.platform.which('ngrok');
    if (!file) throw new Error('ngrok not found on PATH');
    const { authtoken, region, webPort } = this.config;
    let webConfig: WebAddrConfig | undefined;
    if (webPort !== undefined) {
      const base = this.config.configPath ?? defaultNgrokConfigPath(this.deps.platform.platform);
      webConfig = await writeWebAddrConfig(webPort, this.config.configPath !== undefined || existsSync(base) ? base : null);
    }
    if (signal.aborted) {
      webConfig?.dispose();
      signal.throwIfAborted();
    }
    // The full local URL, not just the port: the agent may bind 127.0.0.1 while "localhost" resolves to ::1.
    const args = ['http', localUrl, '--log', 'stdout', '--log-format', 'logfmt'];
    if (region) args.push('--region', region);
    if (webConfig) args.push('--config', webConfig.files.join(','));
    const child = this.deps.processes.spawn(file, args, authtoken ? { env: { NGROK_AUTHTOKEN: authtoken } } : {});
    const launch = watchNgrok(child, { webAddress: webPort !== undefined ? `127.0.0.1:${webPort}` : null, clock: this.deps.clock, signal });
    return {
      ...launch,
      close: () => {
        launch.close?.();
        webConfig?.dispose();
      },
    };
  }

  explain(line: string): string | null {
    const info = parseNgrokLine(line);
    return info.kind === 'error' ? info.message : null;
  }
}
