/**
 * A typed event type: its dotted name plus, at the type level only, the shape of its `data`.
 * Publish and subscribe with it instead of a bare string so the compiler checks both ends:
 *
 * ```ts
 * export const BackupFinished = defineEvent<{ path: string; bytes: number }>('acme.backup.finished');
 * ctx.events.publish(BackupFinished, { path, bytes });            // data checked
 * ctx.events.subscribe(BackupFinished, (e) => e.data.bytes);      // e.data typed
 * ```
 *
 * Event types are compared by {@link EventType.type}, never by identity, like capability tokens.
 * @typeParam T - the event's `data`.
 */
export interface EventType<T> {
  /** Dotted name, `<area>.<what>`: `session.created`. Third parties prefix their own area (`acme.`). */
  readonly type: string;
  /** Phantom field that carries `T`; never set at runtime. */
  readonly __data?: T;
}

const TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/** Declare an event type. The name must be dotted lower case (`acme.backup.finished`). */
export function defineEvent<T>(type: string): EventType<T> {
  if (!TYPE_PATTERN.test(type)) throw new TypeError(`invalid event type "${type}": use dotted lower case such as "acme.backup.finished"`);
  return Object.freeze({ type });
}
