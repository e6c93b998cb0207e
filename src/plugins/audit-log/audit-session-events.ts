import { SessionCreated, SessionExited, SessionRemoved, type AuditLog, type Disposable, type EventBus } from '../../plugin-api';

/**
 * Session creation, kills and removals in the audit trail, from the `session.*` events (they carry
 * who caused them): core-sessions needs no audit code of its own. An exit nobody caused (the
 * process ended by itself) is not a security action and is not recorded.
 */
export function auditSessionEvents(events: EventBus, audit: AuditLog): Disposable {
  const subscriptions = [
    events.subscribe(SessionCreated, ({ data }) => audit.record({ action: 'session.create', by: data.by, target: data.id, details: { command: data.command[0] ?? '', name: data.name } })),
    events.subscribe(SessionExited, ({ data }) => {
      if (data.by !== null) audit.record({ action: 'session.kill', by: data.by, target: data.id, details: { name: data.name } });
    }),
    events.subscribe(SessionRemoved, ({ data }) => {
      if (data.by !== null) audit.record({ action: 'session.remove', by: data.by, target: data.id, details: { name: data.name } });
    }),
  ];
  return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
}
