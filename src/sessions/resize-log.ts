/** One terminal size change, placed in the output stream: it applies before the byte at `offset`. */
export interface ResizeEvent {
  /** Increasing per session; consumers remember the last one they applied. */
  readonly seq: number;
  readonly offset: number;
  readonly cols: number;
  readonly rows: number;
}

/**
 * The size history of a session, positioned by output offset, so the screen model and every client
 * apply a resize exactly between the bytes produced before and after it. Only what the ring still
 * covers is kept (plus the size in effect at the ring's start).
 */
export class ResizeLog {
  private events: ResizeEvent[];
  private nextSeq = 1;

  constructor(cols: number, rows: number) {
    this.events = [{ seq: 0, offset: 0, cols, rows }];
  }

  /** A log continued from elsewhere (the session host): `events` in order, the one in effect first. */
  static restore(events: ReadonlyArray<{ offset: number; cols: number; rows: number }>): ResizeLog {
    if (events.length === 0) throw new Error('restore() needs at least the size in effect');
    const log = new ResizeLog(events[0].cols, events[0].rows);
    log.events = events.map((event, i) => ({ seq: i, offset: event.offset, cols: event.cols, rows: event.rows }));
    log.nextSeq = events.length;
    return log;
  }

  /** Every event still held, oldest first (the one in effect at the ring's start first). */
  all(): readonly ResizeEvent[] {
    return this.events;
  }

  /** The current size. */
  get latest(): ResizeEvent {
    return this.events[this.events.length - 1];
  }

  record(offset: number, cols: number, rows: number): ResizeEvent {
    const event: ResizeEvent = { seq: this.nextSeq++, offset, cols, rows };
    const last = this.latest;
    // Resizes with no output between them collapse into one (a new seq, so everyone still sees it).
    if (last.offset === offset && this.events.length > 1) this.events[this.events.length - 1] = event;
    else this.events.push(event);
    return event;
  }

  /** The size in effect for the byte at `offset` (the last event at or before it). */
  at(offset: number): ResizeEvent {
    let found = this.events[0];
    for (const event of this.events) {
      if (event.offset > offset) break;
      found = event;
    }
    return found;
  }

  /** The first event newer than `seq`, or undefined. */
  after(seq: number): ResizeEvent | undefined {
    for (const event of this.events) if (event.seq > seq) return event;
    return undefined;
  }

  /** Forget events the ring no longer covers, keeping the one in effect at `start`. */
  prune(start: number): void {
    let keepFrom = 0;
    while (keepFrom + 1 < this.events.length && this.events[keepFrom + 1].offset <= start) keepFrom++;
    if (keepFrom > 0) this.events = this.events.slice(keepFrom);
  }
}
