/**
 * Exponential back-off with jitter for reconnects: base, base·2, base·4 … up to `maxMs`, each
 * ±20 % so that many clients of a restarted agent do not come back in lockstep.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly baseMs = 250, private readonly maxMs = 10_000, private readonly random: () => number = Math.random) {}

  /** Delay before the next try. */
  next(): number {
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(delay * (0.8 + 0.4 * this.random()));
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
