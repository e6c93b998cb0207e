import { randomUUID } from 'node:crypto';
import { ServerListening, type AgentInfo, type PluginSummary } from '../plugin-api';
import type { LocalEventBus } from './core/local-event-bus';

/** `AgentInfo` backed by the agent config, the kernel's phase and the server's `server.listening` event. */
export class KernelAgentInfo implements AgentInfo {
  readonly instanceId = randomUUID();
  state: AgentInfo['state'] = 'starting';
  private url: string | null = null;

  constructor(
    readonly version: string,
    readonly host: string,
    readonly port: number,
    readonly dataDir: string,
    readonly startedAt: string,
    bus: LocalEventBus,
    private readonly report: () => PluginSummary[],
  ) {
    bus.subscribe(ServerListening, (event) => {
      const data = event.data as { url?: unknown } | undefined;
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
