import { z } from '../../plugin-api';

const DAY = 86_400;

/** Options of `auth-jwt` (`plugins.auth-jwt.options`). Lifetimes in seconds. */
export const AuthJwtConfig = z.strictObject({
  /** Access token lifetime. Short, because an access token is checked without a round trip to a user store. */
  accessTokenTtlSeconds: z.number().int().min(5).max(DAY).default(15 * 60),
  /** Refresh token lifetime; each refresh hands out a new one with a fresh lifetime. */
  refreshTokenTtlSeconds: z.number().int().min(60).max(90 * DAY).default(7 * DAY),
  /** A login session ends this long after the login, however often it was refreshed. */
  sessionMaxAgeSeconds: z.number().int().min(60).max(365 * DAY).default(30 * DAY),
});
export type AuthJwtConfig = z.output<typeof AuthJwtConfig>;
