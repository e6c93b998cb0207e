import type { Logger } from '../plugin-api/core-services';
import type { HttpExchange } from './http-exchange';

/** What a sender needs from the source of the body (a stream, a file). */
export interface BodySource {
  /** The socket took the part that had to wait: send more. */
  drained(): void;
  /** The response is over (sent, client gone, cut): stop reading and free what the source holds. Called once. */
  release(): void;
}

/**
 * The sending half of a response body of exactly `length` bytes that arrives in parts (from a
 * stream or a file), with uWS backpressure the uWS way: each part goes out with `tryEnd(part,
 * length)`; a part the socket cannot take whole waits, from its write offset, until `onWritable`,
 * and then the source is told to go on (`drained`). So at most one part waits in memory, however
 * slow the client. Ends once: when uWS has the whole body, when the client goes away, or when the
 * source fails or ends short, which cuts the connection (a Content-Length was promised, and a short
 * body must not pass for a whole one).
 */
export class SizedBodySender {
  private head: { status: number; headers: Readonly<Record<string, string>> } | undefined;
  /** The part uWS could not take whole, and the write offset it started at. */
  private pending: { bytes: Uint8Array; offset: number } | null = null;
  private ended = false;

  /**
   * A sender for a body of `length` bytes, or null when there is no body to send: a HEAD request
   * (headers and Content-Length only) or an empty body, answered here, with the source released.
   */
  static start(
    exchange: HttpExchange,
    status: number,
    headers: Readonly<Record<string, string>>,
    length: number,
    source: BodySource,
    context: { log: Logger; path: string },
  ): SizedBodySender | null {
    if (!exchange.headOnly && length > 0) return new SizedBodySender(exchange, status, headers, length, source, context);
    source.release();
    if (exchange.headOnly) exchange.respondHeadOnly(status, headers, length);
    else exchange.respond(status, headers, '');
    return null;
  }

  private constructor(
    private readonly exchange: HttpExchange,
    status: number,
    headers: Readonly<Record<string, string>>,
    private readonly length: number,
    private readonly source: BodySource,
    private readonly context: { log: Logger; path: string },
  ) {
    this.head = { status, headers };
    // The request log reads the status right after the caller returns, before the first part is ready.
    exchange.status = status;
    exchange.onAbort(() => this.finish(false));
    exchange.onWritable((offset) => this.resume(offset));
  }

  /** The response is over; nothing more is sent. */
  get done(): boolean {
    return this.ended;
  }

  /** A part waits for the socket: wait for `drained` before sending another. */
  get waiting(): boolean {
    return this.pending !== null;
  }

  /**
   * Hands `bytes` to uWS (the status and headers go first, with the first part). True when uWS took
   * all of it (the caller may reuse `bytes` at once: uWS copies or sends during the call) or the
   * response is over; false when the rest must wait for the socket: `drained` follows.
   */
  send(bytes: Uint8Array): boolean {
    const offset = this.exchange.writeOffset();
    const sent = this.exchange.sendPart(bytes, this.length, this.head);
    this.head = undefined;
    if (sent.done) {
      this.finish(false);
      return true;
    }
    if (!sent.ok) this.pending = { bytes, offset };
    return sent.ok;
  }

  /** Ends the response: releases the source and, `cut`, closes the connection with a warning. */
  finish(cut: boolean, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    this.source.release();
    if (cut && this.exchange.open) {
      this.context.log.warn('streamed response cut short', { path: this.context.path, reason });
      this.exchange.closeConnection();
    }
  }

  /** `onWritable`: the rest of the waiting part, from where uWS stopped; returns as uWS expects. */
  private resume(offset: number): boolean {
    if (this.pending === null) return true;
    const { bytes, offset: started } = this.pending;
    this.pending = null;
    const ok = this.send(bytes.subarray(offset - started));
    if (ok && !this.ended) this.source.drained();
    return ok;
  }
}
