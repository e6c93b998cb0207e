/**
 * How many protocol errors one WebSocket connection may make: a token bucket. Each error spends
 * its cost; the bucket refills at a steady rate up to its capacity; once empty the connection is
 * closed. Nothing a client sends refills it — not a PING, not a valid frame — so an abuser cannot
 * keep a connection alive by mixing cheap good frames between bad ones, while a client that makes an
 * occasional mistake (a keystroke into a session that just exited) is never closed for it.
 */
export class ErrorBudget {
  private tokens: number;
  private updatedAt: number;

  constructor(
    /** Errors allowed in a burst. */
    private readonly capacity: number,
    /** Errors forgiven per second. */
    private readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /**
   * Spend `cost` for one error; false once less than one error is left (close the connection): with
   * a capacity of 50, the 50th error in a burst closes it.
   */
  spend(cost = 1): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.refillPerSecond);
    this.updatedAt = now;
    this.tokens -= cost;
    return this.tokens >= 1;
  }
}
