import { Counter, Gauge, Registry } from 'prom-client';
import type { Metric } from '../../plugin-api';

const METRIC_NAME = /^tunnelforge_[a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The Prometheus exposition of some metric families, and what had to be left out. */
export interface PrometheusText {
  contentType: string;
  text: string;
  /** Families dropped: a name without the `tunnelforge_` prefix, a bad label, or one name with two types. */
  skipped: string[];
}

/**
 * Render metric families in the Prometheus text format with prom-client. A fresh registry per call:
 * the samples are the source of truth, so label sets that vanished (an exited session) vanish from
 * the output too. Families with the same name from several monitors are merged.
 */
export async function renderPrometheus(metrics: readonly Metric[]): Promise<PrometheusText> {
  const skipped = new Set<string>();
  const families = new Map<string, Metric>();
  for (const family of metrics) {
    if (!METRIC_NAME.test(family.name) || (family.type !== 'gauge' && family.type !== 'counter')) {
      skipped.add(family.name);
      continue;
    }
    const known = families.get(family.name);
    if (!known) families.set(family.name, { ...family, values: [...family.values] });
    else if (known.type === family.type) known.values.push(...family.values);
    else skipped.add(family.name);
  }
  const registry = new Registry();
  for (const family of families.values()) {
    const labelNames = [...new Set(family.values.flatMap((v) => Object.keys(v.labels ?? {})))];
    if (labelNames.some((l) => !LABEL_NAME.test(l) || l.startsWith('__'))) {
      skipped.add(family.name);
      continue;
    }
    const help = family.help || family.name;
    if (family.type === 'counter') {
      const counter = new Counter({ name: family.name, help, labelNames, registers: [registry] });
      // A counter's absolute value, set on a fresh counter: prom-client counters only count up.
      for (const v of family.values) if (Number.isFinite(v.value) && v.value >= 0) counter.inc(v.labels ?? {}, v.value);
    } else {
      const gauge = new Gauge({ name: family.name, help, labelNames, registers: [registry] });
      for (const v of family.values) if (Number.isFinite(v.value)) gauge.set(v.labels ?? {}, v.value);
    }
  }
  return { contentType: registry.contentType, text: await registry.metrics(), skipped: [...skipped] };
}
