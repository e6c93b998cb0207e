import { z } from 'tunnelforge/plugin';

/** Restart back-off after the tunnel died while up. */
const restartSchema = z.object({
  initialDelayMs: z.number().int().min(10).max(600_000).default(1000),
  maxDelayMs: z.number().int().min(10).max(3_600_000).default(60_000),
  maxAttempts: z.number().int().min(0).max(1000).default(10),
  resetAfterMs: z.number().int().min(0).default(60_000),
});

/** Config slice of `tunnel-ngrok` (`plugins.tunnel-ngrok.options`). */
export const ngrokConfigSchema = z.object({
  /**
   * ngrok authtoken. Passed in the `NGROK_AUTHTOKEN` environment variable, never on the command
   * line. When absent, ngrok uses `NGROK_AUTHTOKEN` from the agent's environment or its own config file.
   */
  authtoken: z.string().min(1).optional(),
  /** ngrok region (`us`, `eu`, ...); ngrok picks one when absent. */
  region: z.string().regex(/^[a-z]{2,8}$/).optional(),
  /**
   * Port of ngrok's local web/API server on 127.0.0.1. When absent ngrok uses its own (4040, or the
   * next free one) and the plugin reads the address from ngrok's log.
   */
  webPort: z.number().int().min(1).max(65535).optional(),
  /** The ngrok config file to merge with the web-address override; default: ngrok's own default file. */
  configPath: z.string().min(1).optional(),
  /** How long to wait for the public URL before giving up (ms). */
  urlTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
  restart: restartSchema.default({ initialDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 10, resetAfterMs: 60_000 }),
});

/** Validated config of `tunnel-ngrok`. */
export type NgrokConfig = z.output<typeof ngrokConfigSchema>;
