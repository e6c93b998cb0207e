import type { AgentInfo, Disposable, EventBus, Logger, TunnelProvider } from '../../plugin-api';

/** Published by the HTTP server once it listens (see `AgentInfo.localUrl`). */
const SERVER_LISTENING = 'server.listening';

/**
 * Start the configured tunnels once the agent has a local URL: at once if it already listens,
 * else on the server's `server.listening` event. Not awaited by activation, since a tunnel may take
 * longer to come up than a plugin may take to activate; failures are logged and show in the status.
 */
export function autostartTunnels(ids: readonly string[], providers: readonly TunnelProvider[], agent: AgentInfo, events: EventBus, log: Logger): Disposable {
  const wanted = ids.map((id) => ({ id, provider: providers.find((p) => p.id === id) }));
  for (const { id, provider } of wanted) {
    if (!provider) log.warn('autostart names a tunnel provider that is not active', { tunnel: id, active: providers.map((p) => p.id) });
  }
  const targets = wanted.flatMap((w) => (w.provider ? [w.provider] : []));
  if (targets.length === 0) return { dispose: () => undefined };
  let started = false;
  const startAll = (localUrl: string) => {
    if (started) return;
    started = true;
    for (const provider of targets) {
      provider.start(localUrl).catch((error: unknown) => log.warn('autostarted tunnel failed', { tunnel: provider.id, error: error instanceof Error ? error.message : String(error) }));
    }
  };
  const now = agent.localUrl();
  if (now) {
    startAll(now);
    return { dispose: () => undefined };
  }
  const subscription = events.subscribe(SERVER_LISTENING, () => {
    const url = agent.localUrl();
    if (!url) return;
    subscription.dispose();
    startAll(url);
  });
  return subscription;
}
