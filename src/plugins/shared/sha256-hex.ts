import { createHash } from 'node:crypto';

/** SHA-256 of a UTF-8 string, hex. For high-entropy secrets (tokens), where a slow hash adds nothing. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
