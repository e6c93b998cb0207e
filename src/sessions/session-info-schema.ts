import { z } from 'zod';

/** The session object of the HTTP API (documents `SessionInfo` in the OpenAPI description). */
export const sessionInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  command: z.array(z.string()),
  cwd: z.string(),
  pid: z.number().int().nullable(),
  state: z.enum(['running', 'exited']),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  cols: z.number().int(),
  rows: z.number().int(),
  createdAt: z.string().describe('ISO time'),
  exitedAt: z.string().nullable(),
  clients: z.number().int().describe('WebSocket clients attached'),
  outputBytes: z.number().int().describe('Total output so far: the next output offset'),
  hostId: z.string().nullable().describe('The session host running the process (survives agent restarts); null when it runs inside the agent'),
  lost: z.string().nullable().describe('Why the session ended without its process exiting (its session host died); null otherwise'),
  recording: z.boolean().describe('Its output is recorded (asciicast v2; GET /api/sessions/:id/recording)'),
});
