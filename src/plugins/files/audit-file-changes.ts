import type { AgentEvent, AuditLog, Disposable, EventBus, FileEventBase } from '../../plugin-api';

/** The union of the `files.*` events' data. */
type FileChange = FileEventBase & { path?: string; from?: string; to?: string; size?: number; sessionId?: string | null; recursive?: boolean; type?: string };

/**
 * Every change to a file (each `files.*` event: upload, mkdir, rename, delete) also goes to the
 * audit trail, with who made it: writes to the machine's files are security actions.
 */
export function auditFileChanges(events: EventBus, audit: AuditLog): Disposable {
  return events.subscribe('files.*', (event: AgentEvent) => {
    const { by, path, from, to, size, sessionId, recursive, type } = event.data as FileChange;
    const details: Record<string, unknown> = {};
    if (from !== undefined) details.from = from;
    if (size !== undefined) details.size = size;
    if (sessionId) details.sessionId = sessionId;
    if (recursive) details.recursive = true;
    if (type !== undefined) details.type = type;
    audit.record({ action: event.type, by, target: to ?? path, details });
  });
}
