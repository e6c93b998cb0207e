import { HttpError, type Principal } from '../../plugin-api';
import { SingleUseTickets } from '../shared/single-use-tickets';
import type { WsTickets } from '../shared/ws-tickets';

/**
 * Outstanding WebSocket tickets ({@link SingleUseTickets} of principals), available between
 * `open` (the plugin's activation, with its clock) and `close`: made when the capability is
 * provided, before the plugin has a clock.
 */
export class TicketStore implements WsTickets {
  private tickets: SingleUseTickets<{ principal: Principal }> | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly maxOutstanding: number,
  ) {}

  open(now: () => number): void {
    this.tickets = new SingleUseTickets(this.ttlMs, this.maxOutstanding, now, 'WebSocket tickets');
  }

  close(): void {
    this.tickets?.clear();
    this.tickets = null;
  }

  issue(principal: Principal): { ticket: string; expiresAt: string } {
    if (this.tickets === null) throw new HttpError(503, 'TF_ERR_UNAVAILABLE', 'WebSocket tickets are not available');
    const { ticket, expiresAt } = this.tickets.issue({ principal });
    return { ticket, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** The principal of a valid ticket, used up by this call; `null` for unknown, used or expired tickets. */
  redeem(ticket: string): Principal | null {
    return this.tickets?.redeem(ticket)?.principal ?? null;
  }

  /** Drop the unused tickets issued to principals admitted by `credential` (it was revoked). */
  forget(credential: string): void {
    this.tickets?.forget(credential);
  }

  /** Tickets not yet used or swept (for tests). */
  get size(): number {
    return this.tickets?.size ?? 0;
  }
}
