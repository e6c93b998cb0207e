import type { AgentEvent, Disposable, EventBus } from '../plugin-api';

/** Why a `Last-Event-ID` cannot be replayed. */
export type ReplayGap = 'unknown' | 'too-old';

/** What {@link EventHistory.since} answers: the events after the id, or why there are none to give. */
export type Replay = { events: AgentEvent[] } | { gap: ReplayGap };

/**
 * The last `size` events of the bus, for `Last-Event-ID` replay on `GET /api/events`. It subscribes
 * to everything from its creation (before the routes exist), so a client that reconnects gets exactly
 * what it missed while the history still holds it.
 */
export class EventHistory implements Disposable {
  private readonly ring: Array<AgentEvent | undefined>;
  private next = 0;
  private count = 0;
  private latest = 0;
  private oldest = 0;
  private readonly subscription: Disposable;

  constructor(events: EventBus, private readonly size: number) {
    this.ring = new Array(size);
    this.subscription = events.subscribe('*', (event) => this.add(event));
  }

  /** Id of the newest event seen (0 before any). */
  get latestId(): number {
    return this.latest;
  }

  /** Id of the oldest event still held (0 when none). */
  get oldestId(): number {
    return this.oldest;
  }

  /**
   * The events after `lastEventId`, in id order. `unknown`: not an id of this run (not a number, or
   * newer than any event: a client of a previous run of the agent). `too-old`: some of the events
   * after it are no longer held.
   */
  since(lastEventId: string): Replay {
    if (!/^\d{1,15}$/.test(lastEventId)) return { gap: 'unknown' };
    const last = Number(lastEventId);
    if (last > this.latest) return { gap: 'unknown' };
    if (last === this.latest) return { events: [] };
    if (this.count === 0 || last + 1 < this.oldest) return { gap: 'too-old' };
    const events: AgentEvent[] = [];
    for (let i = 0; i < this.count; i++) {
      const event = this.ring[(this.next - this.count + i + this.size) % this.size] as AgentEvent;
      if (event.id > last) events.push(event);
    }
    // A subscriber that publishes while an event is delivered puts a newer id before an older one.
    return { events: events.sort((a, b) => a.id - b.id) };
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private add(event: AgentEvent): void {
    if (event.id > this.latest) this.latest = event.id;
    if (this.size === 0) {
      this.oldest = this.latest + 1;
      return;
    }
    this.ring[this.next] = event;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
    // Ids arrive in order but for events published from inside a subscriber (off by a few): the first slot is close enough.
    this.oldest = (this.ring[(this.next - this.count + this.size) % this.size] as AgentEvent).id;
  }
}
