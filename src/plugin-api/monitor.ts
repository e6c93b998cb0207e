import { defineCapability } from './capability';

/** One numeric series point in Prometheus terms. */
export interface MetricValue {
  labels?: Record<string, string>;
  value: number;
}

/** A metric family a monitor reports; rendered as Prometheus text by the agent. */
export interface Metric {
  /** Prometheus name, `tunnelforge_` prefixed, e.g. `tunnelforge_host_memory_used_bytes`. */
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  values: MetricValue[];
}

/** One sample taken by a monitor. */
export interface MonitorSample {
  /** The monitor's id. */
  monitor: string;
  /** ISO time of the sample. */
  time: string;
  /** JSON-friendly view for `GET /api/monitor`. */
  data: Record<string, unknown>;
  /** The same numbers as metric families for `GET /metrics`. */
  metrics: Metric[];
}

/**
 * Samples host, session or agent metrics. **Multiple** capability.
 *
 * Lifecycle rules:
 * - `sample` must be cheap enough for the configured interval (read static facts once in
 *   `activate`, expensive calls rarely) and must not throw: report failures in `data.error`.
 */
export interface Monitor {
  readonly id: string;
  sample(): Promise<MonitorSample>;
}
export const Monitor = defineCapability<Monitor>('Monitor', { multiple: true });
