import { randomUUID } from 'node:crypto';

/** Random v4 UUIDs, lower case. Anything else is rejected before any lookup. */
const PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Session ids: unguessable (a read-only share link names one), validated strictly on lookup. */
export const SessionId = {
  create(): string {
    return randomUUID();
  },
  isValid(id: unknown): id is string {
    return typeof id === 'string' && PATTERN.test(id);
  },
};
