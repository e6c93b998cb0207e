import type { Metric } from '../../plugin-api';
import type { AgentUsage } from './agent-usage-sampler';
import { metric } from './metric';

/** Prometheus families for the agent process itself. */
export function agentMetrics(agent: AgentUsage): Metric[] {
  const { eventLoopDelay: delay, memory } = agent;
  return [
    metric('tunnelforge_agent_cpu_percent', 'CPU used by the agent process since the previous sample, percent of one core.', 'gauge', [{ value: agent.cpuPercent }]),
    metric('tunnelforge_agent_cpu_seconds_total', 'CPU time used by the agent process (user + system).', 'counter', [{ value: agent.cpuSecondsTotal }]),
    metric('tunnelforge_agent_event_loop_delay_seconds', 'Event-loop delay of the agent since the previous sample.', 'gauge', [
      { labels: { stat: 'mean' }, value: delay.meanMs / 1000 },
      { labels: { stat: 'p99' }, value: delay.p99Ms / 1000 },
      { labels: { stat: 'max' }, value: delay.maxMs / 1000 },
    ]),
    metric('tunnelforge_agent_memory_rss_bytes', 'Resident memory of the agent process.', 'gauge', [{ value: memory.rssBytes }]),
    metric('tunnelforge_agent_heap_used_bytes', 'V8 heap in use.', 'gauge', [{ value: memory.heapUsedBytes }]),
    metric('tunnelforge_agent_heap_total_bytes', 'V8 heap reserved.', 'gauge', [{ value: memory.heapTotalBytes }]),
    metric('tunnelforge_agent_external_memory_bytes', 'Memory of C++ objects bound to JavaScript (buffers).', 'gauge', [{ value: memory.externalBytes }]),
    metric('tunnelforge_agent_uptime_seconds', 'Time since the agent process started.', 'gauge', [{ value: agent.uptimeSeconds }]),
  ];
}
