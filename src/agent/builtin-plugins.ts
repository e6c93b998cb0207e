import type { PluginDefinition } from '../plugin-api';
import authLocal from '../plugins/auth-local';
import coreHttp from '../plugins/core-http';
import coreSessions from '../plugins/core-sessions';
import monitorApi from '../plugins/monitor-api';
import monitorSystem from '../plugins/monitor-system';
import powerLinux from '../plugins/power-linux';
import powerNoop from '../plugins/power-noop';
import powerPolicy from '../plugins/power-policy';
import tunnelsApi from '../plugins/tunnels-api';

/** First-party plugin packages (npm workspaces) loaded when installed; missing ones are simply skipped. */
export const FIRST_PARTY_PACKAGES = [
  '@tunnelforge/power-macos',
  '@tunnelforge/power-windows',
  '@tunnelforge/tunnel-cloudflare',
  '@tunnelforge/tunnel-ngrok',
] as const;

/** Plugins compiled into the agent. They use exactly the public plugin contract. */
export function builtinPlugins(): PluginDefinition<any>[] {
  return [coreHttp, coreSessions, authLocal, powerLinux, powerNoop, powerPolicy, tunnelsApi, monitorSystem, monitorApi];
}
