import { randomBytes } from 'node:crypto';
import { HttpError, type Principal } from '../../plugin-api';
import { sha256Hex } from './sha256-hex';

/**
 * Short-lived, single-use tickets for where a browser cannot carry a credential: a WebSocket
 * subprotocol, a download URL. A ticket is 256 random bits (base64url) that stands for `T` (who
 * asked, and for what) once, within `ttlMs`. In memory only: they live seconds, and a restart
 * simply voids them. Keyed by the ticket's SHA-256, so a lookup's timing says nothing about the
 * tickets themselves. Redeeming removes the ticket whatever its state; the tickets of a revoked
 * credential are forgotten; at most `max` are outstanding (then 429, after dropping expired ones).
 */
export class SingleUseTickets<T extends { principal: Principal }> {
  private readonly tickets = new Map<string, { value: T; expiresAt: number }>();

  /** `what` names the tickets in the 429 answer (`WebSocket tickets`, `download links`). */
  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
    private readonly what: string,
  ) {}

  /** A new ticket for `value`, and when it expires (epoch ms). */
  issue(value: T): { ticket: string; expiresAt: number } {
    const now = this.now();
    if (this.tickets.size >= this.max) this.sweep(now);
    if (this.tickets.size >= this.max) throw new HttpError(429, 'TF_ERR_RATE_LIMITED', `Too many unused ${this.what}; use or let some expire first`);
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.tickets.set(sha256Hex(ticket), { value, expiresAt });
    return { ticket, expiresAt };
  }

  /** What `ticket` stands for, used up by this call; null for unknown, used or expired tickets. */
  redeem(ticket: string): T | null {
    const key = sha256Hex(ticket);
    const entry = this.tickets.get(key);
    this.tickets.delete(key);
    return entry !== undefined && entry.expiresAt > this.now() ? entry.value : null;
  }

  /** Drops the unused tickets issued to principals admitted by `credential` (it was revoked). */
  forget(credential: string): void {
    for (const [key, entry] of this.tickets) if (entry.value.principal.credential === credential) this.tickets.delete(key);
  }

  clear(): void {
    this.tickets.clear();
  }

  /** Tickets not yet used or swept (for tests). */
  get size(): number {
    return this.tickets.size;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(key);
  }
}
