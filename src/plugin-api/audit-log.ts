import { defineCapability } from './capability';
import type { Actor } from './events';

/** One security action as the audit trail keeps it (a line of `<dataDir>/logs/audit.log`). */
export interface AuditEntry {
  /** ISO time. */
  time: string;
  /** What happened, dotted: `auth.login`, `token.create`, `pairing.claim`, `session.kill`, `tunnel.start`, … */
  action: string;
  outcome: 'success' | 'failure';
  /** Who did it (never a credential); `null` for the agent itself or an unauthenticated caller. */
  by: Actor | null;
  /** What it was done to: a token id, a share id, a session id, a tunnel id, a user name. */
  target?: string;
  /** The client address, for actions from the network. */
  address?: string;
  /** Small, non-secret facts (a role, a device name, a reason). */
  details?: Record<string, unknown>;
}

/** What a plugin hands to {@link AuditLog.record}; `time` and a missing `outcome` (`success`) are filled in. */
export type AuditRecord = Omit<AuditEntry, 'time' | 'outcome' | 'by'> & {
  outcome?: AuditEntry['outcome'];
  /** The principal (reduced to `{ id, role, via }` before it is written) or null. */
  by: { id: string; role: Actor['role']; via: string } | null;
};

/**
 * The audit trail of security actions (provided by the built-in `audit-log` plugin): logins,
 * tokens, share links, pairing, sessions, tunnels. Entries are appended to
 * `<dataDir>/logs/audit.log`, one JSON object a line, and read by admins at `GET /api/logs/audit`.
 *
 * Lifecycle rules: `record` never throws and never waits (writes are queued; a full disk loses
 * entries, said once in the log, and never stops the action). Put no secret in `details`.
 * Declare `optional: [AuditLog]` and call `ctx.tryGet(AuditLog)?.record(...)`.
 */
export interface AuditLog {
  record(entry: AuditRecord): void;
  /** The newest `limit` entries, oldest first (also those written by earlier runs). */
  read(limit: number): Promise<AuditEntry[]>;
}
export const AuditLog = defineCapability<AuditLog>('AuditLog');
