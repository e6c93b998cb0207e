import { z } from '../../plugin-api';

/** `TunnelStatus` as the HTTP API returns it (documents the OpenAPI responses). */
export const tunnelStatusSchema = z.object({
  id: z.string().describe('provider id: cloudflare, ngrok, ...'),
  state: z.enum(['starting', 'up', 'down', 'error']),
  publicUrl: z.string().nullable(),
  error: z.string().nullable().describe('why it failed, or that it is restarting'),
  startedAt: z.string().nullable().describe('ISO time the current run started'),
});
