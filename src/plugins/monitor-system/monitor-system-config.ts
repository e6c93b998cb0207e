import { z } from '../../plugin-api';

/** Config slice of `monitor-system` (`plugins.monitor-system.options`). */
export const monitorSystemConfigSchema = z.object({
  /** Read disk usage (and battery) on every n-th sample only (off Linux `fsSize` runs `df`). */
  slowEvery: z.number().int().min(1).max(120).default(5),
  /** Off Linux, per-session usage comes from a full process list: refresh it at most this often (ms). */
  processListEveryMs: z.number().int().min(1000).max(600_000).default(30_000),
  /**
   * On Linux, read CPU load, network counters and disk usage from /proc (and statfs). systeminformation runs a
   * shell for both on every call (`cat /proc/stat | grep cpu` synchronously, one `sh -c 'cat …'`
   * per interface), which costs more than the rest of a sample together.
   */
  procfs: z.boolean().default(true),
});

/** Validated config of `monitor-system`. */
export type MonitorSystemConfig = z.output<typeof monitorSystemConfigSchema>;
