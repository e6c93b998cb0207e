import type { AgentEvent, Disposable, EventBus, EventPattern, Logger } from '../../plugin-api';

type Listener = (event: AgentEvent) => void;

/**
 * The in-process event bus. One instance per agent; each plugin gets a view (`forSource`) that
 * stamps its id as the event source.
 */
export class LocalEventBus {
  private nextId = 1;
  private readonly listeners = new Set<{ patterns: readonly string[]; listener: Listener }>();

  constructor(private readonly log: Logger, private readonly now: () => number = Date.now) {}

  publish<T>(source: string, type: EventPattern, data: T): void {
    const name = nameOf(type);
    const event: AgentEvent = { id: this.nextId++, type: name, time: new Date(this.now()).toISOString(), source, data };
    for (const entry of [...this.listeners]) {
      if (!entry.patterns.some((p) => matches(p, name))) continue;
      try {
        entry.listener(event);
      } catch (error) {
        // A subscriber's bug must never reach the publisher.
        this.log.error('event listener failed', { type: name, error: String(error) });
      }
    }
  }

  subscribe(pattern: EventPattern | readonly EventPattern[], listener: Listener): Disposable {
    const patterns = (Array.isArray(pattern) ? pattern : [pattern]).map(nameOf);
    const entry = { patterns, listener };
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  }

  /** The `EventBus` a plugin sees: events it publishes carry its id as `source`. */
  forSource(source: string): EventBus {
    return {
      publish: (type: EventPattern, data: unknown) => this.publish(source, type, data),
      subscribe: (pattern: EventPattern | readonly EventPattern[], listener: Listener) => this.subscribe(pattern, listener),
    } as EventBus;
  }
}

function nameOf(pattern: EventPattern): string {
  return typeof pattern === 'string' ? pattern : pattern.type;
}

/** `*` matches all, `a.*` matches `a.b` and `a.b.c`, anything else matches exactly. */
function matches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
