/** What the page reads of a `monitor-system` sample (`GET /api/monitor`, `monitor.sample`). */
export interface HostSample {
  time: string;
  host?: {
    cpu: { loadPercent: number; cores: number } | null;
    memory: { totalBytes: number; usedBytes: number } | null;
    filesystems: Array<{ mount: string; sizeBytes: number; usedBytes: number }> | null;
    network: Array<{ iface: string; rxBytesPerSecond: number | null; txBytesPerSecond: number | null }> | null;
  };
  sessions?: SessionUsage[];
}

/** One session's processes, as the monitor sees them. */
export interface SessionUsage {
  id: string;
  name: string;
  processes: number;
  cpuPercent: number | null;
  rssBytes: number;
}

interface Sample {
  monitor: string;
  time: string;
  data: Record<string, unknown>;
}

/** The host monitor's sample among a round's samples: the one that has host readings. */
export function findHostSample(samples: readonly Sample[]): HostSample | null {
  const sample = samples.find((s) => typeof s.data === 'object' && s.data !== null && 'host' in s.data);
  return sample ? { time: sample.time, ...(sample.data as Omit<HostSample, 'time'>) } : null;
}
