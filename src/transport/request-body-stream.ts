import { Readable } from 'node:stream';
import type { HttpExchange } from './http-exchange';

/** The body stream's buffer: past this many unread bytes the socket is paused. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** An error carrying the code a handler switches on (and the status the transport answered). */
class BodyStreamError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'BodyStreamError';
  }
}

/**
 * The request body of a `streamBody` route as a Node `Readable` with real flow control: when its
 * buffer passes the high-water mark the uWS socket is paused (the kernel's receive window then
 * throttles the client), and the next `_read` resumes it. Bytes beyond `limit` end it with a
 * `TF_ERR_PAYLOAD_TOO_LARGE` error after `onTooLarge` answered 413; a client that goes away ends it
 * with `ECONNRESET`. Must be created synchronously inside the uWS handler (uWS drops data that
 * arrives before `onData` is attached).
 */
export class RequestBodyStream extends Readable {
  private received = 0;
  private paused = false;
  private settled = false;

  constructor(
    private readonly exchange: HttpExchange,
    private readonly limit: number,
    private readonly onTooLarge: () => void,
  ) {
    super({ highWaterMark: HIGH_WATER_BYTES });
    // The agent must never crash on a stream error nobody listens to (the client left during auth,
    // or after the handler stopped reading): handlers that read the stream get the error anyway.
    this.on('error', () => undefined);
    exchange.bodyPending = true;
    exchange.onAbort(() => {
      if (this.settled) return;
      this.settled = true;
      this.destroy(new BodyStreamError('The client went away before the body was complete', 'ECONNRESET'));
    });
    exchange.onData((chunk, isLast) => this.onChunk(chunk, isLast));
  }

  /** An empty, ended body (a request without one). */
  static empty(): Readable {
    return Readable.from([]);
  }

  override _read(): void {
    if (!this.paused) return;
    this.paused = false;
    this.exchange.resumeBody();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.settled = true;
    // A paused socket polls for nothing, not even to drain the answer that follows: let it run.
    if (this.paused) {
      this.paused = false;
      this.exchange.resumeBody();
    }
    callback(error);
  }

  private onChunk(chunk: ArrayBuffer, isLast: boolean): void {
    if (this.settled) return;
    this.received += chunk.byteLength;
    if (this.received > this.limit) {
      this.settled = true;
      this.onTooLarge();
      this.destroy(new BodyStreamError(`Request body exceeds ${this.limit} bytes`, 'TF_ERR_PAYLOAD_TOO_LARGE', 413));
      return;
    }
    // Copy: uWS neuters the ArrayBuffer when this callback returns. copyBytesFrom is a memcpy;
    // Buffer.from(Uint8Array) copies element by element (~1 GB/s, measured: the upload's top cost).
    if (chunk.byteLength > 0 && !this.push(Buffer.copyBytesFrom(new Uint8Array(chunk))) && !isLast) {
      this.paused = true;
      this.exchange.pauseBody();
    }
    if (isLast) {
      this.settled = true;
      this.exchange.bodyPending = false;
      this.push(null);
    }
  }
}
