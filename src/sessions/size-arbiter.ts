/** A terminal size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/**
 * The resize policy of one session with several clients (docs/protocol.md §5): **the most
 * recently active writer sets the size**; viewers adapt to it.
 *
 * - Writers are ordered by activity. ATTACH and INPUT are activity; RESIZE is not (a window that
 *   re-fits itself, e.g. when a phone's keyboard opens, must not take the size from the person
 *   typing elsewhere).
 * - Only writers that told their size (ATTACH cols/rows, RESIZE) take part; one that never did (a
 *   script sending keys) never blocks the others.
 * - A RESIZE from the active writer applies at once; from any other writer it is remembered and
 *   applied when that writer next types (it becomes the active one).
 * - When the active writer leaves, the size of the next most recently active writer comes back
 *   (the phone that shrank the terminal does not leave it shrunk).
 *
 * Keys are opaque (one per connection). Every method returns the size to apply now, or null.
 */
export class SizeArbiter {
  /** Attached writers in order of activity (most recent last) and the size each asked for. */
  private readonly writers = new Map<object, TerminalSize | null>();

  /** The writer whose size is in force: the most recently active one that told its size. */
  get active(): object | undefined {
    const entries = [...this.writers];
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i][1] !== null) return entries[i][0];
    return undefined;
  }

  /** A writer attached, with its window size if it sent one. Attaching is activity. */
  attach(writer: object, size?: TerminalSize): TerminalSize | null {
    this.writers.delete(writer);
    this.writers.set(writer, size ?? null);
    return size ?? null;
  }

  /** A writer asked for a size: applied only when it is (or thereby becomes) the active writer. */
  request(writer: object, size: TerminalSize): TerminalSize | null {
    if (!this.writers.has(writer)) return null;
    this.writers.set(writer, size); // keeps its place in the activity order
    return this.active === writer ? size : null;
  }

  /** A writer typed: it becomes the most recent; its size applies if the active writer changed. */
  activity(writer: object): TerminalSize | null {
    if (!this.writers.has(writer)) return null;
    const before = this.active;
    const size = this.writers.get(writer) ?? null;
    this.writers.delete(writer);
    this.writers.set(writer, size);
    return this.active !== before ? size : null;
  }

  /** A writer left: if it was the active one, the next active writer's size comes back. */
  detach(writer: object): TerminalSize | null {
    const before = this.active;
    if (!this.writers.delete(writer)) return null;
    const after = this.active;
    return before === writer && after !== undefined ? (this.writers.get(after) ?? null) : null;
  }
}
