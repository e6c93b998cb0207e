import { performance } from 'node:perf_hooks';
import { MonitorSampled, type Clock, type Disposable, type EventBus, type Logger, type Metric, type Monitor, type MonitorSample, type SseStream } from '../../plugin-api';
import { renderPrometheus, type PrometheusText } from './render-prometheus';

/** Longest a monitor's sample may take (or the interval, if shorter) before it counts as failed. */
const MAX_SAMPLE_MS = 5000;

/** A sample without its metric families: what the JSON API, SSE and events carry. */
export interface SampleView {
  monitor: string;
  time: string;
  data: Record<string, unknown>;
}

/** What the hub works with. */
export interface MonitorHubDeps {
  clock: Clock;
  events: EventBus;
  log: Logger;
  intervalMs: number;
}

/**
 * Samples every Monitor on one interval, keeps the latest sample of each, and fans them out: the
 * `monitor.sample` event (once per round), SSE streams, and the Prometheus text for /metrics. A round
 * never overlaps the previous one, and a monitor that throws (against the contract) or does not
 * answer within the interval (5 s at most) is reported in its sample's `data.error` instead of
 * breaking the round.
 */
export class MonitorHub {
  private readonly latest = new Map<string, MonitorSample>();
  private readonly durations = new Map<string, number>();
  private readonly streams = new Set<SseStream>();
  private timer: Disposable | undefined;
  private busy = false;
  private rounds = 0;
  private readonly warnedSkips = new Set<string>();

  constructor(private readonly monitors: readonly Monitor[], private readonly deps: MonitorHubDeps) {}

  /** Take a first round at once (so the API has data), then one every `intervalMs`. */
  async start(): Promise<void> {
    await this.round();
    this.timer ??= this.deps.clock.setInterval(() => void this.round(), this.deps.intervalMs);
  }

  /** Stop sampling and end every stream. Idempotent. */
  stop(): void {
    this.timer?.dispose();
    this.timer = undefined;
    for (const stream of [...this.streams]) stream.close();
    this.streams.clear();
  }

  /** Latest sample of each monitor, without metric families. */
  samples(): SampleView[] {
    return [...this.latest.values()].map(view);
  }

  /** Follow new samples on an SSE stream, starting with the latest ones. */
  addStream(stream: SseStream): void {
    for (const sample of this.samples()) stream.send('sample', sample, this.rounds);
    if (stream.closed) return;
    this.streams.add(stream);
    stream.onClose(() => this.streams.delete(stream));
  }

  /** Every monitor's latest metric families, plus the hub's own, as Prometheus text. */
  async prometheus(): Promise<PrometheusText> {
    const own: Metric[] = [
      {
        name: 'tunnelforge_monitor_sample_duration_seconds',
        help: 'Time the last sample of each monitor took.',
        type: 'gauge',
        values: [...this.durations].map(([monitor, ms]) => ({ labels: { monitor }, value: ms / 1000 })),
      },
      { name: 'tunnelforge_monitor_rounds_total', help: 'Sampling rounds since the agent started.', type: 'counter', values: [{ value: this.rounds }] },
    ];
    const result = await renderPrometheus([...[...this.latest.values()].flatMap((s) => s.metrics), ...own]);
    for (const name of result.skipped) {
      if (this.warnedSkips.has(name)) continue;
      this.warnedSkips.add(name);
      this.deps.log.warn('metric family left out of /metrics (name must start with tunnelforge_, labels must be valid, one type per name)', { metric: name });
    }
    return result;
  }

  /** Sample every monitor once (skipped while the previous round still runs). */
  async round(): Promise<void> {
    if (this.busy) {
      this.deps.log.debug('sampling round skipped: the previous one is still running');
      return;
    }
    this.busy = true;
    try {
      const samples = await Promise.all(this.monitors.map((m) => this.sampleOne(m)));
      this.rounds++;
      for (const sample of samples) this.latest.set(sample.monitor, sample);
      const views = samples.map(view);
      this.deps.events.publish(MonitorSampled, { time: new Date(this.deps.clock.now()).toISOString(), samples: views });
      for (const stream of [...this.streams]) {
        for (const sample of views) if (!stream.send('sample', sample, this.rounds)) this.streams.delete(stream);
      }
    } finally {
      this.busy = false;
    }
  }

  private async sampleOne(monitor: Monitor): Promise<MonitorSample> {
    const started = performance.now();
    // A monitor that never answers must not stall every round (and activation) behind it.
    const limitMs = Math.min(this.deps.intervalMs, MAX_SAMPLE_MS);
    let timer: Disposable | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.deps.clock.setTimeout(() => reject(new Error(`sample() did not answer within ${limitMs} ms`)), limitMs);
    });
    try {
      const sample = await Promise.race([monitor.sample(), timeout]);
      if (!sample || typeof sample !== 'object' || !Array.isArray(sample.metrics)) throw new Error('sample() returned no sample');
      return { ...sample, monitor: monitor.id };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn('monitor failed to sample', { monitor: monitor.id, error: message });
      return { monitor: monitor.id, time: new Date(this.deps.clock.now()).toISOString(), data: { error: message }, metrics: [] };
    } finally {
      timer?.dispose();
      this.durations.set(monitor.id, performance.now() - started);
    }
  }
}

function view(sample: MonitorSample): SampleView {
  return { monitor: sample.monitor, time: sample.time, data: sample.data };
}
