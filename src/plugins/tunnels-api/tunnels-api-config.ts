import { z } from '../../plugin-api';

/** Config slice of `tunnels-api` (`plugins.tunnels-api.options`). */
export const tunnelsApiConfigSchema = z.object({
  /** Tunnel provider ids to start once the agent listens, e.g. `['cloudflare']`. */
  autostart: z.array(z.string().min(1)).default([]),
});

/** Validated config of `tunnels-api`. */
export type TunnelsApiConfig = z.output<typeof tunnelsApiConfigSchema>;
