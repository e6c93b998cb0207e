import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';

/** The agent process's own health. */
export interface AgentUsage {
  pid: number;
  uptimeSeconds: number;
  /** Percent of one core used by the agent process since the previous sample. */
  cpuPercent: number;
  cpuSecondsTotal: number;
  /** Event-loop delay since the previous sample, in milliseconds. */
  eventLoopDelay: { meanMs: number; p99Ms: number; maxMs: number };
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number };
}

/**
 * Event-loop delay (perf_hooks histogram, reset at every sample, so each sample covers one
 * interval), CPU and memory of the agent process itself. Node's histogram does not record the
 * first timer period (`resolution`, 20 ms) after a reset, so a stall that starts right after a
 * sample shows up shorter by up to that much.
 */
export class AgentUsageSampler {
  private histogram: IntervalHistogram | undefined;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  /** Start measuring the event loop; 20 ms resolution keeps the histogram's own wake-ups cheap. */
  start(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = undefined;
  }

  sample(): AgentUsage {
    const cpu = process.cpuUsage();
    const at = performance.now();
    const elapsedMs = at - this.lastAt;
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    const h = this.histogram;
    const hasDelay = h !== undefined && h.count > 0;
    const eventLoopDelay = hasDelay ? { meanMs: h.mean / 1e6, p99Ms: h.percentile(99) / 1e6, maxMs: h.max / 1e6 } : { meanMs: 0, p99Ms: 0, maxMs: 0 };
    h?.reset();
    const memory = process.memoryUsage();
    return {
      pid: process.pid,
      uptimeSeconds: process.uptime(),
      cpuPercent: elapsedMs > 0 ? (100 * usedMs) / elapsedMs : 0,
      cpuSecondsTotal: (cpu.user + cpu.system) / 1e6,
      eventLoopDelay,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external },
    };
  }
}
