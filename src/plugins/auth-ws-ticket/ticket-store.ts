import { randomBytes } from 'node:crypto';
import { HttpError, type Principal } from '../../plugin-api';
import { sha256Hex } from '../shared/sha256-hex';
import type { WsTickets } from '../shared/ws-tickets';

/**
 * Outstanding WebSocket tickets, in memory only (they live seconds; a restart simply voids them).
 * Keyed by the ticket's SHA-256, so a lookup's timing says nothing about the tickets themselves.
 * Redeeming removes the ticket whatever its state: a ticket works once at most.
 */
export class TicketStore implements WsTickets {
  private readonly tickets = new Map<string, { principal: Principal; expiresAt: number }>();
  private now: () => number = () => Date.now();
  private active = false;

  constructor(
    private readonly ttlMs: number,
    private readonly maxOutstanding: number,
  ) {}

  open(now: () => number): void {
    this.now = now;
    this.active = true;
  }

  close(): void {
    this.active = false;
    this.tickets.clear();
  }

  issue(principal: Principal): { ticket: string; expiresAt: string } {
    if (!this.active) throw new HttpError(503, 'TF_ERR_UNAVAILABLE', 'WebSocket tickets are not available');
    const now = this.now();
    if (this.tickets.size >= this.maxOutstanding) this.sweep(now);
    if (this.tickets.size >= this.maxOutstanding) throw new HttpError(429, 'TF_ERR_RATE_LIMITED', 'Too many unused WebSocket tickets; use or let some expire first');
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.tickets.set(sha256Hex(ticket), { principal, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The principal of a valid ticket, used up by this call; `null` for unknown, used or expired tickets. */
  redeem(ticket: string): Principal | null {
    if (!this.active) return null;
    const key = sha256Hex(ticket);
    const entry = this.tickets.get(key);
    this.tickets.delete(key);
    return entry !== undefined && entry.expiresAt > this.now() ? entry.principal : null;
  }

  /** Drop the unused tickets issued to principals admitted by `credential` (it was revoked). */
  forget(credential: string): void {
    for (const [key, entry] of this.tickets) if (entry.principal.credential === credential) this.tickets.delete(key);
  }

  /** Tickets not yet used or swept (for tests). */
  get size(): number {
    return this.tickets.size;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(key);
  }
}
