import type { Role } from '../plugin-api/authenticator';

const RANK: Readonly<Record<Role, number>> = { viewer: 1, writer: 2, admin: 3 };

/** admin > writer > viewer. An unknown role (a buggy authenticator) allows nothing. */
export function roleAllows(role: unknown, required: Role): boolean {
  const rank = typeof role === 'string' && Object.hasOwn(RANK, role) ? RANK[role as Role] : 0;
  return rank > 0 && rank >= RANK[required];
}
