import type * as uWS from 'uWebSockets.js';
import { statusLine } from './status-line';

/**
 * One uWS response, guarded. uWS crashes the process on any use of a response after it was
 * aborted or ended, so every write goes through here: `onAborted` is attached at construction (it
 * must be, before the handler returns), writes happen only while `open`, and always inside `cork`
 * (outside the original callback an uncorked write is one syscall per header).
 */
export class HttpExchange {
  /** The client went away (or uWS gave up on it). */
  aborted = false;
  /** A response was completed (or the request was upgraded). */
  finished = false;
  /** Response headers were sent and a body is streaming (SSE). */
  streaming = false;
  /** The request body is still arriving: answering now must also close the connection. */
  bodyPending = false;
  /** A HEAD request: send the headers a GET would get (with its Content-Length), never a body. */
  headOnly = false;
  /** Status sent, for the request log (0 = none yet). */
  status = 0;
  private readonly abortListeners: (() => void)[] = [];

  constructor(private readonly res: uWS.HttpResponse) {
    res.onAborted(() => {
      this.aborted = true;
      for (const listener of this.abortListeners.splice(0)) listener();
    });
  }

  /** True while something may still be written. */
  get open(): boolean {
    return !this.aborted && !this.finished;
  }

  onAbort(listener: () => void): void {
    if (this.aborted) listener();
    else this.abortListeners.push(listener);
  }

  /** Attaches the body reader (uWS requires it before the handler returns). */
  onData(handler: (chunk: ArrayBuffer, isLast: boolean) => void): void {
    this.res.onData(handler);
  }

  /** Sends a complete response. Returns false (and does nothing) if the exchange is no longer open. */
  respond(status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array, closeConnection = false): boolean {
    if (!this.open || this.streaming) return false;
    this.finished = true;
    this.status = status;
    // The client is still sending a body nobody will read: close rather than keep the connection.
    const close = closeConnection || this.bodyPending;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      for (const name of Object.keys(headers)) this.res.writeHeader(name, headers[name]);
      if (this.headOnly) {
        // uWS 20.30 on the wire: end() sends the body, endWithoutBody(n) or (undefined, close) sends
        // nothing at all, endWithoutBody(0) adds a second Content-Length; only the bare call is right.
        this.res.writeHeader('content-length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
        this.res.endWithoutBody();
      } else {
        this.res.end(body, close);
      }
    });
    return true;
  }

  /** Sends the status line and headers and starts a streamed body with `firstChunk`. */
  startStream(status: number, headers: Readonly<Record<string, string>>, firstChunk: string): boolean {
    if (!this.open || this.streaming) return false;
    this.streaming = true;
    this.status = status;
    let ok = false;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      for (const name of Object.keys(headers)) this.res.writeHeader(name, headers[name]);
      ok = this.res.write(firstChunk);
    });
    return ok;
  }

  /** Writes to a started stream. `false` means backpressure (uWS keeps the bytes) or not open. */
  write(chunk: string): boolean {
    if (!this.open || !this.streaming) return false;
    let ok = false;
    this.res.cork(() => {
      ok = this.res.write(chunk);
    });
    return ok;
  }

  /** Called when the socket can take more after `write` returned false; return as uWS expects. */
  onWritable(handler: () => boolean): void {
    this.res.onWritable(() => (this.open ? handler() : true));
  }

  /** Ends a started stream. */
  end(): void {
    if (!this.open) return;
    this.finished = true;
    this.res.cork(() => {
      this.res.end();
    });
  }

  /** Completes a WebSocket upgrade (async-upgrade pattern: after `onAborted`, inside `cork`). */
  upgrade<T>(userData: T, key: string, protocol: string, extensions: string, context: uWS.us_socket_context_t): boolean {
    if (!this.open) return false;
    this.finished = true;
    this.status = 101;
    this.res.cork(() => {
      this.res.upgrade(userData, key, protocol, extensions, context);
    });
    return true;
  }
}
