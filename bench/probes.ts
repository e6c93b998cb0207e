import { readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { median, sleep } from './common';

/**
 * Measurements of the agent's own process (the bench runs the agent in this process): memory,
 * CPU, event-loop delay, file descriptors.
 */

let gcFn: (() => void) | null | undefined;

/** A real `gc()` without `--expose-gc` on the command line (the npm script cannot be changed). */
export function forceGc(): boolean {
  if (gcFn === undefined) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (typeof existing === 'function') gcFn = existing;
    else {
      try {
        v8.setFlagsFromString('--expose-gc');
        gcFn = vm.runInNewContext('gc') as () => void;
      } catch {
        gcFn = null;
      }
    }
  }
  if (!gcFn) return false;
  gcFn();
  gcFn();
  return true;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Median of `count` samples, each after a full GC and a short pause. */
export async function settledMemory(count = 5, pauseMs = 100): Promise<MemorySample & { gc: boolean }> {
  const samples: MemorySample[] = [];
  let gc = false;
  for (let i = 0; i < count; i++) {
    gc = forceGc();
    await sleep(pauseMs);
    const m = process.memoryUsage();
    samples.push({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers });
  }
  const pick = (key: keyof MemorySample) => median(samples.map((s) => s[key]));
  return { rss: pick('rss'), heapUsed: pick('heapUsed'), heapTotal: pick('heapTotal'), external: pick('external'), arrayBuffers: pick('arrayBuffers'), gc };
}

/** Peak memory while something runs (sampled every `intervalMs` on the agent's own loop). */
export class MemoryPeak {
  peak: MemorySample = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  private timer: NodeJS.Timeout | null = null;

  start(intervalMs = 50): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  stop(): MemorySample {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peak;
  }

  private sample(): void {
    const m = process.memoryUsage();
    for (const key of ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers'] as const) this.peak[key] = Math.max(this.peak[key], m[key]);
  }
}

/** Event-loop delay of the agent's loop while something runs (1 ms resolution). */
export class LoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });

  start(): this {
    this.histogram.reset();
    this.histogram.enable();
    return this;
  }

  stop(): { p50Ms: number; p99Ms: number; maxMs: number } {
    this.histogram.disable();
    const ms = (ns: number) => Math.round((ns / 1e6) * 100) / 100;
    return { p50Ms: ms(this.histogram.percentile(50)), p99Ms: ms(this.histogram.percentile(99)), maxMs: ms(this.histogram.max) };
  }
}

/** CPU time of this process since `start()`. */
export class CpuMeter {
  private base = process.cpuUsage();

  start(): this {
    this.base = process.cpuUsage();
    return this;
  }

  ms(): number {
    const used = process.cpuUsage(this.base);
    return (used.user + used.system) / 1000;
  }

  /** Kernel (system) part of it. */
  sysMs(): number {
    return process.cpuUsage(this.base).system / 1000;
  }
}

/** Whole-machine CPU from /proc/stat: busy core-milliseconds over a window (every process, kernel work included). */
export class MachineCpu {
  private base: { busy: number; total: number } | null = null;

  private static read(): { busy: number; total: number } | null {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const total = fields.reduce((a, b) => a + b, 0);
      const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
      return { busy: total - idle, total };
    } catch {
      return null;
    }
  }

  start(): this {
    this.base = MachineCpu.read();
    return this;
  }

  /** Busy core-ms since start (USER_HZ ticks converted, assuming the usual 100 Hz). */
  busyMs(): number {
    const now = MachineCpu.read();
    if (!now || !this.base) return NaN;
    return (now.busy - this.base.busy) * 10;
  }
}

/** Garbage collections on this process's main thread while something runs (perf_hooks 'gc' entries). */
export class GcProbe {
  private major = 0;
  private minor = 0;
  private majorMs = 0;
  private minorMs = 0;
  private maxMs = 0;
  private observer: PerformanceObserver | null = null;

  start(): this {
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
        // NODE_PERFORMANCE_GC_MAJOR = 4 (mark-compact), MINOR = 1 (scavenge), INCREMENTAL = 8, WEAKCB = 16
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          this.major++;
          this.majorMs += entry.duration;
        } else {
          this.minor++;
          this.minorMs += entry.duration;
        }
        this.maxMs = Math.max(this.maxMs, entry.duration);
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
    return this;
  }

  /** Entries are delivered asynchronously: call after a turn of the loop. */
  async stop(): Promise<{ major: number; minor: number; majorPauseMs: number; minorPauseMs: number; maxPauseMs: number }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.observer?.disconnect();
    const r = (x: number) => Math.round(x * 10) / 10;
    return { major: this.major, minor: this.minor, majorPauseMs: r(this.majorMs), minorPauseMs: r(this.minorMs), maxPauseMs: r(this.maxMs) };
  }
}
