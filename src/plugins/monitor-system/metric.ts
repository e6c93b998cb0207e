import type { Metric, MetricValue } from '../../plugin-api';

/**
 * A metric family from possibly missing values: `null` entries and non-finite numbers are dropped,
 * so a reading that failed is absent from /metrics rather than reported as 0.
 */
export function metric(name: string, help: string, type: Metric['type'], values: Array<MetricValue | null>): Metric {
  return { name, help, type, values: values.filter((v): v is MetricValue => v !== null && Number.isFinite(v.value)) };
}
