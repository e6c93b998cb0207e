import { z } from '../../plugin-api';

/** Config slice of `monitor-api` (`plugins.monitor-api.options`). */
export const monitorApiConfigSchema = z.object({
  /** How often every Monitor is sampled (ms). 1000 is the fastest allowed. */
  intervalMs: z.number().int().min(1000).max(3_600_000).default(5000),
});

/** Validated config of `monitor-api`. */
export type MonitorApiConfig = z.output<typeof monitorApiConfigSchema>;
