import { createHash, timingSafeEqual } from 'node:crypto';

/** Compare two secrets in constant time (hashing first, so lengths leak nothing either). */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
