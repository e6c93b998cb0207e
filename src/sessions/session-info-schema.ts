import { z } from 'zod';

/** A finished command (`FinishedCommand` in the plugin API). */
export const finishedCommandSchema = z.object({
  exitCode: z.number().int().nullable().describe('From OSC 133 D;<code>; null when unknown'),
  durationMs: z.number().int(),
  finishedAt: z.string().describe('ISO time'),
  source: z.enum(['osc133', 'foreground']),
  command: z.string().optional().describe('The program\'s name when known (never its arguments)'),
});

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
  title: z.string().nullable().describe('Terminal title (OSC 0/2), control characters removed, capped; null when none was set'),
  lastOutputAt: z.string().nullable().describe('ISO time of the last output; null before any'),
  active: z.boolean().describe('Output within the activity window (activityWindowMs)'),
  foreground: z.string().nullable().describe('Name of the foreground process of the terminal (the shell or the program in front); null when unknown'),
  lastCommand: finishedCommandSchema.nullable().describe('The last finished command (OSC 133 marks, or the foreground process returning to the shell)'),
});
