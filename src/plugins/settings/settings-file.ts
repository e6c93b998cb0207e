import { z } from '../../plugin-api';

/**
 * `settings.json`: `{ "version": 1, "sections": { "<key>": { <fields people set> } } }`. Sections
 * of plugins that are not active now are kept as they are, so disabling a plugin loses nothing.
 */
export const settingsFileSchema = z.object({
  version: z.literal(1),
  sections: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** The parsed file. */
export type SettingsFile = z.output<typeof settingsFileSchema>;
