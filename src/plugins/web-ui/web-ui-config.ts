import { z } from '../../plugin-api';

/** Options of the `web-ui` plugin (`plugins['web-ui'].options`). */
export const webUiConfigSchema = z.strictObject({
  /** Directory of a built web client (index.html + assets/). Default: `dist/web` of the TunnelForge package. */
  dir: z.string().min(1).optional(),
});
export type WebUiConfig = z.output<typeof webUiConfigSchema>;
