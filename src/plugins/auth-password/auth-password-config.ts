import { z } from '../../plugin-api';
import { parsePasswordHash } from './password-hash';

const user = z.strictObject({
  /** Login name. */
  username: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits and . _ @ - (at most 64)'),
  /** `scrypt$N$r$p$salt$hash` from `tunnelforge auth hash-password`. */
  passwordHash: z.string().refine((value) => parsePasswordHash(value) !== null, {
    message: 'must be a hash made by `tunnelforge auth hash-password` (scrypt$N$r$p$salt$hash); plain-text passwords are not accepted',
  }),
  role: z.enum(['admin', 'writer', 'viewer']),
});

/** Options of `auth-password` (`plugins.auth-password.options`). */
export const AuthPasswordConfig = z.strictObject({
  /**
   * Users who may log in. When empty, `TUNNELFORGE_PASSWORD` makes one user `admin`; without it,
   * a random admin password is generated on first start (see the log for where it is).
   */
  users: z
    .array(user)
    .default([])
    .refine((users) => new Set(users.map((u) => u.username)).size === users.length, { message: 'user names must be unique' }),
  /** Login back-off per client address (see docs/security.md). */
  rateLimit: z
    .strictObject({
      freeAttempts: z.number().int().min(1).max(100).default(5),
      baseDelayMs: z.number().int().min(10).max(60_000).default(1000),
      maxDelayMs: z.number().int().min(10).max(86_400_000).default(15 * 60_000),
      forgetAfterMs: z.number().int().min(1000).max(86_400_000).default(15 * 60_000),
      maxAddresses: z.number().int().min(10).max(1_000_000).default(10_000),
    })
    .default({ freeAttempts: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, forgetAfterMs: 15 * 60_000, maxAddresses: 10_000 }),
  /** Password checks running at once, agent-wide (each takes ~0.2 s of a core and 64 MiB); more wait in a short queue. */
  maxConcurrentChecks: z.number().int().min(1).max(16).default(2),
});
export type AuthPasswordConfig = z.output<typeof AuthPasswordConfig>;
