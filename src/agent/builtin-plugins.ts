import type { PluginDefinition } from '../plugin-api';
import auditLog from '../plugins/audit-log';
import authApi from '../plugins/auth-api';
import authJwt from '../plugins/auth-jwt';
import authLocal from '../plugins/auth-local';
import authNone from '../plugins/auth-none';
import authPassword from '../plugins/auth-password';
import authToken from '../plugins/auth-token';
import authWsTicket from '../plugins/auth-ws-ticket';
import coreHttp from '../plugins/core-http';
import coreSessions from '../plugins/core-sessions';
import discovery from '../plugins/discovery';
import files from '../plugins/files';
import logsApi from '../plugins/logs-api';
import pairing from '../plugins/pairing';
import monitorApi from '../plugins/monitor-api';
import monitorSystem from '../plugins/monitor-system';
import notifications from '../plugins/notifications';
import powerLinux from '../plugins/power-linux';
import powerNoop from '../plugins/power-noop';
import powerPolicy from '../plugins/power-policy';
import settings from '../plugins/settings';
import tunnelsApi from '../plugins/tunnels-api';
import webUi from '../plugins/web-ui';

/** First-party plugin packages (npm workspaces) loaded when installed; missing ones are simply skipped. */
export const FIRST_PARTY_PACKAGES = [
  '@tunnelforge/power-macos',
  '@tunnelforge/power-windows',
  '@tunnelforge/tunnel-cloudflare',
  '@tunnelforge/tunnel-ngrok',
  '@tunnelforge/tunnel-tailscale',
] as const;

/** Plugins compiled into the agent. They use exactly the public plugin contract. */
export function builtinPlugins(): PluginDefinition<any>[] {
  return [coreHttp, settings, coreSessions, auditLog, authJwt, authToken, authLocal, authWsTicket, authNone, authPassword, authApi, powerLinux, powerNoop, powerPolicy, tunnelsApi, monitorSystem, monitorApi, logsApi, pairing, discovery, files, notifications, webUi];
}
