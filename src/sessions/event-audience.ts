import type { Role } from '../plugin-api/authenticator';

const RANK: Record<Role, number> = { viewer: 0, writer: 1, admin: 2 };

/**
 * The least role that receives an event of `type` on `GET /api/events`. Credentials and the audit
 * trail are for admins; settings and file changes (absolute paths, file names) for those who may
 * read them through the API, writers and admins: a viewer cannot read the settings, nor the file
 * tree unless `files.readOnlyBrowsing` is on, so it must not learn them from the event stream either.
 */
export function eventAudience(type: string): Role {
  if (type.startsWith('auth.') || type.startsWith('audit.')) return 'admin';
  if (type.startsWith('settings.') || type.startsWith('files.')) return 'writer';
  return 'viewer';
}

/** Whether a principal of `role` (none: no role at all) may receive an event of `type`. */
export function mayReceiveEvent(role: Role | undefined, type: string): boolean {
  return role !== undefined && RANK[role] >= RANK[eventAudience(type)];
}
