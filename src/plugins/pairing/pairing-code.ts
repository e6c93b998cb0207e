import { randomInt } from 'node:crypto';

/** Crockford's base32 without I, L, O, U: nothing to confuse when typed from a phone screen. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 8;

/** A new pairing code, `ABCD-EFGH`: 40 random bits (with the claim rate limit, far beyond guessing). */
export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A typed code in its canonical form (upper case, no separators, the look-alikes I/L → 1 and O → 0),
 * or null when it cannot be one: a code read aloud or typed with a space still works.
 */
export function normalizePairingCode(input: string): string | null {
  const value = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (value.length !== LENGTH) return null;
  for (const ch of value) if (!ALPHABET.includes(ch)) return null;
  return value;
}
