import { defineSettingsSection, z } from '../../plugin-api';

/** Config slice of `tunnels-api` (`plugins.tunnels-api.options`). */
export const tunnelsApiConfigSchema = z.object({
  /** Tunnel provider ids to start once the agent listens, e.g. `['cloudflare']`. */
  autostart: z.array(z.string().min(1)).default([]),
});

/** Validated config of `tunnels-api`. */
export type TunnelsApiConfig = z.output<typeof tunnelsApiConfigSchema>;

/**
 * The `tunnels` run-time settings section. `autostart` unset: the config's list. A provider added
 * to the list while the agent runs starts at once; one removed keeps running until stopped.
 */
export const tunnelsSettingsSection = defineSettingsSection({
  key: 'tunnels',
  description: 'Tunnel providers started with the agent (unset: the config file\'s autostart); one added here starts at once',
  schema: z.strictObject({ autostart: z.array(z.string().min(1).max(100)).max(20).optional() }),
});
