/** How long a request id is remembered: far longer than any double click or client retry. */
const REMEMBER_MS = 10 * 60_000;
/** Bound on remembered ids (oldest forgotten first), so a client cannot grow the map without end. */
const MAX_KEYS = 1000;

/**
 * Runs a creating request at most once per client-chosen request id: a second request with the same
 * id (a double click, a retry after a lost answer) gets the first one's answer instead of a second
 * share link or API token. A failed attempt is forgotten, so a retry runs again. Ids are scoped by
 * the caller (`key` should include the principal), so one client cannot read another's answer.
 */
export class OncePerRequestId<T> {
  private readonly entries = new Map<string, { at: number; result: Promise<T> }>();

  constructor(private readonly now: () => number = Date.now) {}

  run(key: string | null, create: () => Promise<T>): Promise<T> {
    if (key === null) return create();
    const now = this.now();
    for (const [old, entry] of this.entries) {
      if (entry.at + REMEMBER_MS > now && this.entries.size <= MAX_KEYS) break;
      this.entries.delete(old);
    }
    const known = this.entries.get(key);
    if (known !== undefined) return known.result;
    const result = create();
    this.entries.set(key, { at: now, result });
    result.catch(() => {
      if (this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    return result;
  }
}
