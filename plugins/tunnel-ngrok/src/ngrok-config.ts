import { tunnelSupervisionConfig, z } from 'tunnelforge/plugin';

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
  ...tunnelSupervisionConfig,
});

/** Validated config of `tunnel-ngrok`. */
export type NgrokConfig = z.output<typeof ngrokConfigSchema>;
