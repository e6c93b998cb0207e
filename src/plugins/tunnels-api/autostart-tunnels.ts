import type { AuditLog, Logger, TunnelProvider } from '../../plugin-api';

/**
 * Start the configured tunnels towards the agent's local URL (called from the plugin's `start`,
 * once the server listens). Not awaited: a tunnel may take longer to come up than a plugin may take
 * to start; failures are logged and show in the tunnel's status.
 */
export function autostartTunnels(ids: readonly string[], providers: readonly TunnelProvider[], localUrl: string | null, log: Logger, audit?: AuditLog): void {
  const targets: TunnelProvider[] = [];
  for (const id of ids) {
    const provider = providers.find((p) => p.id === id);
    if (provider) targets.push(provider);
    else log.warn('autostart names a tunnel provider that is not active', { tunnel: id, active: providers.map((p) => p.id) });
  }
  if (targets.length === 0) return;
  if (localUrl === null) {
    log.warn('autostart: the agent serves no HTTP, so there is nothing to tunnel to', { tunnels: targets.map((p) => p.id) });
    return;
  }
  for (const provider of targets) {
    audit?.record({ action: 'tunnel.start', by: null, target: provider.id, details: { autostart: true } });
    provider.start(localUrl).catch((error: unknown) => log.warn('autostarted tunnel failed', { tunnel: provider.id, error: error instanceof Error ? error.message : String(error) }));
  }
}
