// The request side of one HTTP exchange: the copied request, the guarded uWS response, the body and its JSON.
import { STATUS_CODES } from 'node:http';
import type * as uWS from 'uWebSockets.js';
import { HttpError } from '../plugin-api/http-routes';

/**
 * Everything the transport needs from a uWS request, copied out while the request is still valid:
 * uWS's `HttpRequest` lives on the C++ stack and is gone after the first `await`.
 */
export interface RequestSnapshot {
  /** As sent (methods are case-sensitive), e.g. `GET`. */
  readonly method: string;
  /** Path without the query string, as sent (not decoded). */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
}

/**
 * Copies a uWS request. Must run synchronously at the top of a uWS handler, before any `await`.
 * With `trustProxy` the remote address is the last `X-Forwarded-For` hop: the one our own proxy
 * appended (earlier entries are whatever the client sent).
 */
export function snapshotRequest(req: uWS.HttpRequest, res: uWS.HttpResponse, trustProxy: boolean): RequestSnapshot {
  const collected = new Map<string, string>();
  req.forEach((name, value) => {
    const key = name.toLowerCase();
    const previous = collected.get(key);
    collected.set(key, previous === undefined ? value : `${previous}, ${value}`);
  });
  // fromEntries defines own properties, so a header named `__proto__` stays a plain string field.
  const headers = Object.freeze(Object.fromEntries(collected)) as Readonly<Record<string, string>>;
  let remoteAddress = Buffer.from(res.getRemoteAddressAsText()).toString('latin1');
  if (trustProxy) {
    const hops = (headers['x-forwarded-for'] ?? '').split(',').map((hop) => hop.trim()).filter((hop) => hop !== '');
    if (hops.length > 0) remoteAddress = hops[hops.length - 1];
  }
  return {
    method: req.getCaseSensitiveMethod(),
    path: req.getUrl(),
    query: req.getQuery() ?? '',
    headers,
    remoteAddress,
  };
}

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

  /** Answers a HEAD request for a body of `length` bytes: its headers and Content-Length, no body. */
  respondHeadOnly(status: number, headers: Readonly<Record<string, string>>, length: number): boolean {
    if (!this.open || this.streaming) return false;
    this.finished = true;
    this.status = status;
    this.res.cork(() => {
      this.res.writeStatus(statusLine(status));
      for (const name of Object.keys(headers)) this.res.writeHeader(name, headers[name]);
      this.res.writeHeader('content-length', String(length));
      this.res.endWithoutBody(); // the bare call: see respond()
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

  /** Called when the socket can take more after a write reported backpressure; `offset` is uWS's write offset. Return as uWS expects. */
  onWritable(handler: (offset: number) => boolean): void {
    this.res.onWritable((offset) => (this.open ? handler(offset) : true));
  }

  /**
   * Sends `chunk` as part of a body of exactly `total` bytes (uWS `tryEnd`, which writes the
   * Content-Length itself); `head` goes first, on the first call. `ok` false: backpressure, resend
   * from {@link HttpExchange.writeOffset} in `onWritable`; `done`: the whole body is handed over.
   */
  sendPart(chunk: Uint8Array, total: number, head?: { status: number; headers: Readonly<Record<string, string>> }): { ok: boolean; done: boolean } {
    if (!this.open) return { ok: false, done: true };
    let result: [boolean, boolean] = [false, false];
    this.res.cork(() => {
      if (head !== undefined) {
        this.streaming = true;
        this.status = head.status;
        this.res.writeStatus(statusLine(head.status));
        for (const name of Object.keys(head.headers)) this.res.writeHeader(name, head.headers[name]);
      }
      result = this.res.tryEnd(chunk, total);
    });
    if (result[1]) this.finished = true;
    return { ok: result[0], done: result[1] };
  }

  /** Bytes of the response body handed to uWS so far (for resending after backpressure). */
  writeOffset(): number {
    return this.open ? this.res.getWriteOffset() : 0;
  }

  /** Stop reading the request body from the socket until {@link HttpExchange.resumeBody} (flow control). */
  pauseBody(): void {
    // Only while the exchange is open: a finished response's socket may already carry the next request.
    if (this.open) this.res.pause();
  }

  resumeBody(): void {
    if (this.open) this.res.resume();
  }

  /** Cuts the connection at once (a body that cannot be completed); uWS then reports the abort. */
  closeConnection(): void {
    if (this.aborted) return;
    this.finished = true;
    this.res.close();
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

/** What {@link readBody} refuses, and how it says so. */
export interface BodyLimits {
  /** Most bytes accepted. */
  limit: number;
  /** The total passed `limit` (answer 413 and close the connection). */
  onTooLarge(): void;
  /** Looks at each chunk as it arrives; false refuses the body (a JSON nesting or key limit). */
  inspect?(chunk: Buffer): boolean;
  /** `inspect` refused the body (answer 400 and close the connection). */
  onRefused?(): void;
}

/**
 * Reads a request body into memory, never more than `limit` bytes: the moment the total passes the
 * limit `onTooLarge` runs (to answer 413 and close the connection) and reading stops; the same when
 * `inspect` refuses a chunk (`onRefused`). Resolves with the body, or `null` when it was refused or
 * the client went away. Must be called synchronously inside the uWS handler: uWS drops data that
 * arrives before `onData` is attached.
 */
export function readBody(exchange: HttpExchange, { limit, onTooLarge, inspect, onRefused }: BodyLimits): Promise<Buffer | null> {
  exchange.bodyPending = true;
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    exchange.onAbort(() => {
      if (done) return;
      done = true;
      chunks = [];
      resolve(null);
    });
    exchange.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        chunks = [];
        onTooLarge();
        resolve(null);
        return;
      }
      // Copy: uWS neuters the ArrayBuffer when this callback returns.
      const copy = Buffer.from(new Uint8Array(chunk));
      if (inspect !== undefined && !inspect(copy)) {
        done = true;
        chunks = [];
        onRefused?.();
        resolve(null);
        return;
      }
      if (chunk.byteLength > 0) chunks.push(copy);
      if (isLast) {
        done = true;
        exchange.bodyPending = false;
        resolve(Buffer.concat(chunks, size));
      }
    });
  });
}

/** `application/json` or `application/<something>+json`, with or without parameters. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const type = value.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/** An empty body is `undefined`; anything else must be valid UTF-8 JSON or the request is a 400. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new HttpError(400, 'TF_ERR_BAD_JSON', 'Request body is not valid JSON');
  }
}

/** `404` → `404 Not Found`: uWS writes the status line verbatim. */
function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

