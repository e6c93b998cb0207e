import { z } from 'zod';

/** What `GET /api/power` answers and `power.changed` events carry (documents the OpenAPI response too). */
export const powerViewSchema = z.object({
  state: z.enum(['held', 'released']).describe('held while the backend confirmed an assertion'),
  backend: z.string().describe('the active PowerManager mechanism: systemd-inhibit, caffeinate, SetThreadExecutionState, noop'),
  reasons: z.array(z.string()).describe('one entry per assertion currently held'),
  since: z.string().describe('ISO time since which state holds'),
  policy: z.enum(['never', 'while-sessions', 'always']),
  manual: z.boolean().describe('true while a manual hold (POST /api/power) is in place'),
  activeSessions: z.number().int().describe('sessions that count for while-sessions: running, or exited with a client attached'),
  error: z.string().nullable().describe('why the backend could not hold the machine awake, if it could not'),
});

/** The power view (see {@link powerViewSchema}). */
export type PowerView = z.infer<typeof powerViewSchema>;
