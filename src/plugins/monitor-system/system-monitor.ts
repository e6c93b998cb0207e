import * as si from 'systeminformation';
import type { Clock, Monitor, MonitorSample, Platform, SessionInfo, SessionManager } from '../../plugin-api';
import { agentMetrics } from './agent-metrics';
import { AgentUsageSampler } from './agent-usage-sampler';
import { readHostFacts, type HostFacts, type HostFactsSource } from './host-facts';
import { hostMetrics } from './host-metrics';
import { HostSampler, type HostUsageSource } from './host-sampler';
import type { MonitorSystemConfig } from './monitor-system-config';
import { sessionMetrics } from './session-metrics';
import { SessionUsageSampler, type ProcessListSource } from './session-usage-sampler';

/** What {@link SystemMonitor} works with; `source` and `procRoot` are replaceable in tests. */
export interface SystemMonitorDeps {
  platform: Platform;
  clock: Pick<Clock, 'now'>;
  config: MonitorSystemConfig;
  /** Absent when no plugin provides sessions: no per-session figures then. */
  sessions?: SessionManager;
  source?: HostFactsSource & HostUsageSource & ProcessListSource;
  procRoot?: string;
}

/**
 * The built-in `Monitor` (`id: "system"`): host CPU, memory, disks, network, uptime and battery,
 * the CPU and memory of every session's process tree, and the agent's own event-loop delay, CPU
 * and memory. `init` reads the static facts once; `sample` never throws (failures go to `data.errors`).
 */
export class SystemMonitor implements Monitor {
  readonly id = 'system';
  private facts: HostFacts | undefined;
  private host: HostSampler | undefined;
  private readonly agent = new AgentUsageSampler();
  private readonly sessionSampler: SessionUsageSampler;
  private readonly source: HostFactsSource & HostUsageSource & ProcessListSource;
  private initErrors: string[] = [];

  constructor(private readonly deps: SystemMonitorDeps) {
    this.source = deps.source ?? si;
    const linux = deps.platform === 'linux';
    this.sessionSampler = new SessionUsageSampler({ linux, processListEveryMs: deps.config.processListEveryMs, procRoot: deps.procRoot }, this.source, () => deps.clock.now());
  }

  /** Read static facts, prime the counters, start the event-loop histogram. Idempotent. */
  async init(): Promise<void> {
    if (this.host) return;
    const errors: string[] = [];
    this.facts = await readHostFacts(this.source, errors);
    const procfs = this.deps.config.procfs && this.deps.platform === 'linux';
    const host = new HostSampler(this.source, { procfs, slowEvery: this.deps.config.slowEvery, hasBattery: this.facts.hasBattery, procRoot: this.deps.procRoot });
    await host.prime(errors);
    this.host = host;
    this.initErrors = errors;
    this.agent.start();
  }

  /** Stop the event-loop histogram. */
  close(): void {
    this.agent.stop();
  }

  async sample(): Promise<MonitorSample> {
    const time = new Date(this.deps.clock.now()).toISOString();
    const errors: string[] = [];
    try {
      if (!this.host) await this.init();
      const facts = this.facts as HostFacts;
      const [host, sessions] = await Promise.all([(this.host as HostSampler).sample(errors), this.sampleSessions(errors)]);
      const agent = this.agent.sample();
      if (this.initErrors.length > 0) errors.push(...this.initErrors.map((e) => `init ${e}`));
      return {
        monitor: this.id,
        time,
        data: { facts, host, sessions, agent, ...(errors.length > 0 ? { errors } : {}) },
        metrics: [...hostMetrics(facts, host), ...sessionMetrics(sessions), ...agentMetrics(agent)],
      };
    } catch (error) {
      // The contract: sample never throws. Anything unexpected is reported, not raised.
      errors.push(error instanceof Error ? error.message : String(error));
      return { monitor: this.id, time, data: { errors }, metrics: [] };
    }
  }

  private async sampleSessions(errors: string[]) {
    let list: SessionInfo[] = [];
    try {
      list = this.deps.sessions?.list() ?? [];
      return await this.sessionSampler.sample(list);
    } catch (error) {
      errors.push(`sessions: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }
}
