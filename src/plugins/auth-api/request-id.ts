import { z } from '../../plugin-api';

/** The optional `requestId` of a creating request: repeats of one id make one thing (see OncePerRequestId). */
export const REQUEST_ID = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/)
  .optional()
  .describe('client-chosen id (8-64 of A-Z a-z 0-9 _ -): a repeat of the same id within 10 minutes answers the first result instead of making another');
