import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Parameters of a scrypt hash. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** The parts of `scrypt$N$r$p$salt$hash` (salt and hash in base64url). */
export interface ParsedPasswordHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/**
 * Defaults for new hashes: N = 2^16, r = 8, p = 1 takes ~0.2 s and 64 MiB on a small machine. Login
 * is rare and rate limited, so the cost falls on guessing, not on users.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 16, r: 8, p: 1 };

const FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{22,88})\$([A-Za-z0-9_-]{43,88})$/;
/** Hashes needing more than this much memory are refused: a config must not be able to exhaust the machine. */
const MAX_MEMORY = 1024 * 1024 * 1024;

/** True when the parameters are sane: N a power of two from 2^10 to 2^20, small r and p, memory bounded. */
export function validScryptParams({ N, r, p }: ScryptParams): boolean {
  const powerOfTwo = Number.isInteger(N) && N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0;
  return powerOfTwo && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16 && 128 * N * r <= MAX_MEMORY;
}

/** Parse `scrypt$N$r$p$salt$hash`; `null` when it is not a hash of that form (for example, a plain-text password). */
export function parsePasswordHash(encoded: string): ParsedPasswordHash | null {
  const match = FORMAT.exec(encoded.trim());
  if (match === null) return null;
  const params = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (!validScryptParams(params)) return null;
  return { ...params, salt: Buffer.from(match[4], 'base64url'), hash: Buffer.from(match[5], 'base64url') };
}

/** Hash a password for the config: `scrypt$N$r$p$salt$hash` with a fresh 16-byte salt and a 32-byte key. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  if (!validScryptParams(params)) throw new RangeError('invalid scrypt parameters');
  const salt = randomBytes(16);
  const hash = await derive(password, salt, 32, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * Check a password against a parsed hash. Asynchronous (libuv's thread pool), so a login never
 * blocks the event loop; the comparison is constant-time.
 */
export async function verifyPassword(password: string, expected: ParsedPasswordHash): Promise<boolean> {
  const actual = await derive(password, expected.salt, expected.hash.length, expected);
  return timingSafeEqual(actual, expected.hash);
}

function derive(password: string, salt: Buffer, keyLength: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 128 * r * p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
