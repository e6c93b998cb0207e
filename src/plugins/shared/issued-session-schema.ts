import { z } from '../../plugin-api';

/** `IssuedSession` as login and refresh answer it: an access token and a single-use refresh token. */
export const issuedSessionSchema = z.object({
  token: z.string().describe('JWT for Authorization: Bearer'),
  expiresAt: z.string(),
  refreshToken: z.string(),
  refreshExpiresAt: z.string(),
  user: z.object({ id: z.string(), role: z.enum(['admin', 'writer', 'viewer']) }),
});
