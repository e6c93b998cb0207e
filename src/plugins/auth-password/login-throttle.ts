/** Tuning of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  /** Failed attempts allowed before any delay. */
  freeAttempts: number;
  /** Lockout after the first failure beyond the free ones; it doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** An address's failures are forgotten after this long without one. */
  forgetAfterMs: number;
  /** Most addresses tracked at once; the least recently seen is dropped first. */
  maxAddresses: number;
}

/** The throttle's answer to an attempt: go ahead (and report the outcome), or wait. */
export type ThrottleVerdict = { ok: true; done(outcome: AttemptOutcome): void } | { ok: false; retryAfterMs: number };

/** How an attempt ended: `ignored` for attempts that checked no password (malformed, server busy). */
export type AttemptOutcome = 'success' | 'failure' | 'ignored';

interface Entry {
  failures: number;
  /** Attempts being checked right now. */
  pending: number;
  blockedUntil: number;
  lastFailureAt: number;
}

/**
 * Login back-off per client address. The first few failures are free; then each failure locks the
 * address out for an exponentially growing time (1 s, 2 s, 4 s, ... up to a cap), and attempts
 * during a lockout are refused at once, before any password hashing: a flood costs a map lookup
 * each. Attempts in flight count too, so a burst of parallel requests cannot slip past the limit.
 * Other addresses are unaffected. Memory is bounded by `maxAddresses`.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: LoginThrottleOptions,
    private readonly now: () => number,
  ) {}

  /** Ask before checking a password for `key` (a client address). */
  begin(key: string): ThrottleVerdict {
    const now = this.now();
    let entry = this.entries.get(key);
    if (entry !== undefined && entry.pending === 0 && entry.blockedUntil <= now && entry.lastFailureAt + this.options.forgetAfterMs <= now) {
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry !== undefined) {
      if (entry.blockedUntil > now) return { ok: false, retryAfterMs: entry.blockedUntil - now };
      // While in the back-off zone only one attempt at a time; before it, no more than the free ones left.
      if (entry.pending >= Math.max(1, this.options.freeAttempts - entry.failures)) return { ok: false, retryAfterMs: 1000 };
      this.entries.delete(key); // re-inserted below: Map order is the recency order
    } else {
      entry = { failures: 0, pending: 0, blockedUntil: 0, lastFailureAt: 0 };
      this.makeRoom();
    }
    this.entries.set(key, entry);
    const tracked = entry;
    tracked.pending++;
    let finished = false;
    return {
      ok: true,
      done: (outcome) => {
        if (finished) return;
        finished = true;
        tracked.pending--;
        if (outcome === 'ignored') return;
        if (outcome === 'success') {
          tracked.failures = 0;
          tracked.blockedUntil = 0;
          if (tracked.pending === 0 && this.entries.get(key) === tracked) this.entries.delete(key);
          return;
        }
        const at = this.now();
        tracked.failures++;
        tracked.lastFailureAt = at;
        const over = tracked.failures - this.options.freeAttempts;
        if (over >= 0) tracked.blockedUntil = at + Math.min(this.options.baseDelayMs * 2 ** Math.min(over, 30), this.options.maxDelayMs);
      },
    };
  }

  /** Addresses tracked right now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Drop the least recently seen idle entries until there is room for one more. */
  private makeRoom(): void {
    while (this.entries.size >= this.options.maxAddresses) {
      let victim: string | undefined;
      let scanned = 0;
      for (const [key, entry] of this.entries) {
        victim ??= key;
        if (entry.pending === 0) {
          victim = key;
          break;
        }
        if (++scanned >= 32) break;
      }
      if (victim === undefined) return;
      this.entries.delete(victim);
    }
  }
}
