import type { AgentEvent, Disposable, EventBus, Logger } from '../../plugin-api';

type Listener = (event: AgentEvent) => void;

/**
 * The in-process event bus. One instance per agent; each plugin gets a view (`forSource`) that
 * stamps its id as the event source.
 */
export class LocalEventBus {
  private nextId = 1;
  private readonly listeners = new Set<{ patterns: readonly string[]; listener: Listener }>();

  constructor(private readonly log: Logger, private readonly now: () => number = Date.now) {}

  publish<T>(source: string, type: string, data: T): void {
    const event: AgentEvent = { id: this.nextId++, type, time: new Date(this.now()).toISOString(), source, data };
    for (const entry of [...this.listeners]) {
      if (!entry.patterns.some((p) => matches(p, type))) continue;
      try {
        entry.listener(event);
      } catch (error) {
        // A subscriber's bug must never reach the publisher.
        this.log.error('event listener failed', { type, error: String(error) });
      }
    }
  }

  subscribe(pattern: string | readonly string[], listener: Listener): Disposable {
    const entry = { patterns: typeof pattern === 'string' ? [pattern] : pattern, listener };
    this.listeners.add(entry);
    return { dispose: () => void this.listeners.delete(entry) };
  }

  /** The `EventBus` a plugin sees: events it publishes carry its id as `source`. */
  forSource(source: string): EventBus {
    return {
      publish: (type, data) => this.publish(source, type, data),
      subscribe: (pattern, listener) => this.subscribe(pattern, listener),
    };
  }
}

/** `*` matches all, `a.*` matches `a.b` and `a.b.c`, anything else matches exactly. */
function matches(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
