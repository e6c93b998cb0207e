import type { AgentInfo, PluginSummary } from '../plugin-api';
import type { LocalEventBus } from './core/local-event-bus';

/** Event the HTTP server publishes once it listens; `AgentInfo.localUrl()` follows it. */
export const SERVER_LISTENING_EVENT = 'server.listening';

/** `AgentInfo` backed by the agent config and the server's `server.listening` event. */
export class KernelAgentInfo implements AgentInfo {
  private url: string | null = null;

  constructor(
    readonly version: string,
    readonly host: string,
    readonly port: number,
    readonly dataDir: string,
    bus: LocalEventBus,
    private readonly report: () => PluginSummary[],
  ) {
    bus.subscribe(SERVER_LISTENING_EVENT, (event) => {
      const data = event.data as { url?: unknown };
      if (typeof data?.url === 'string') this.url = data.url;
    });
  }

  localUrl(): string | null {
    return this.url;
  }

  plugins(): PluginSummary[] {
    return this.report();
  }
}
