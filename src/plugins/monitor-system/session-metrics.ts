import type { Metric } from '../../plugin-api';
import { metric } from './metric';
import type { SessionUsage } from './session-usage-sampler';

/** Prometheus families for the sessions' process trees. */
export function sessionMetrics(sessions: readonly SessionUsage[]): Metric[] {
  const labels = (s: SessionUsage) => ({ session: s.id, name: s.name });
  return [
    metric('tunnelforge_session_cpu_percent', "CPU used by a session's process tree since the previous sample, percent of one core.", 'gauge', sessions.map((s) => (s.cpuPercent === null ? null : { labels: labels(s), value: s.cpuPercent }))),
    metric('tunnelforge_session_memory_rss_bytes', "Resident memory of a session's process tree.", 'gauge', sessions.map((s) => ({ labels: labels(s), value: s.rssBytes }))),
    metric('tunnelforge_session_processes', "Processes in a session's tree.", 'gauge', sessions.map((s) => ({ labels: labels(s), value: s.processes }))),
  ];
}
