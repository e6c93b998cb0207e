import { z } from 'zod';
import { DEFAULT_TUNNEL_RESTART } from './supervised-tunnel';

/**
 * Config fields every tunnel plugin built on {@link SupervisedTunnel} offers, to spread into its
 * schema: `z.object({ ...tunnelSupervisionConfig, token: ... })`. The values feed
 * `SupervisedTunnel.provide`.
 */
export const tunnelSupervisionConfig = {
  /** How long to wait for the public URL before giving up (ms). */
  urlTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
  /** Restart back-off after the tunnel died while up. */
  restart: z
    .object({
      initialDelayMs: z.number().int().min(10).max(600_000).default(DEFAULT_TUNNEL_RESTART.initialDelayMs),
      maxDelayMs: z.number().int().min(10).max(3_600_000).default(DEFAULT_TUNNEL_RESTART.maxDelayMs),
      maxAttempts: z.number().int().min(0).max(1000).default(DEFAULT_TUNNEL_RESTART.maxAttempts),
      resetAfterMs: z.number().int().min(0).default(DEFAULT_TUNNEL_RESTART.resetAfterMs),
    })
    .default({ ...DEFAULT_TUNNEL_RESTART }),
};
