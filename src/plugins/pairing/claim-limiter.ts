/** Limits of failed claims, per client address and agent-wide, over a sliding window. */
export interface ClaimLimits {
  perAddress: number;
  global: number;
  windowMs: number;
}

/**
 * Counts failed pairing claims. Behind a tunnel every request comes from 127.0.0.1, so the
 * per-address limit alone would be one shared limit anyway; the agent-wide one is what bounds a
 * guesser with many addresses. A caller over either limit is refused before its code is looked at.
 */
export class ClaimLimiter {
  private readonly failures = new Map<string, number[]>();
  private global: number[] = [];

  constructor(private readonly limits: ClaimLimits, private readonly now: () => number) {}

  /** Milliseconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string): number {
    const now = this.now();
    this.global = this.global.filter((t) => t > now - this.limits.windowMs);
    const mine = (this.failures.get(address) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (mine.length === 0) this.failures.delete(address);
    else this.failures.set(address, mine);
    const wait = (times: number[], limit: number) => (times.length >= limit ? times[times.length - limit] + this.limits.windowMs - now : 0);
    return Math.max(wait(mine, this.limits.perAddress), wait(this.global, this.limits.global), 0);
  }

  /** Count one failed claim; true when that reached the agent-wide limit. */
  fail(address: string): boolean {
    const now = this.now();
    this.failures.set(address, [...(this.failures.get(address) ?? []), now]);
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value as string);
    this.global.push(now);
    return this.global.length >= this.limits.global;
  }
}
