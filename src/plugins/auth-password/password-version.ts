import { sha256Hex } from '../shared/sha256-hex';

/**
 * A short fingerprint of a stored password hash (`scrypt$…`), kept with each login session so a
 * changed password ends the sessions granted for the old one. It is a hash of a salted slow hash:
 * it helps no one guess the password.
 */
export function passwordVersion(encodedHash: string): string {
  return sha256Hex(encodedHash.trim()).slice(0, 16);
}
