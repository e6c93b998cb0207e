// The response side: handler results and errors to wire form, with the standard security headers.
import type { Logger } from '../plugin-api/core-services';
import type { HttpResponse, ResponseFile, ResponseStream } from '../plugin-api/http-routes';
import { fileResponse } from './file-response';
import type { HttpExchange } from './http-exchange';
import { streamResponse } from './stream-response';

/** The one error shape of the HTTP API: `{ "error": { "code": "TF_ERR_...", "message": "...", "details"?: ... } }`. */
export function errorResponse(status: number, code: string, message: string, extra: { details?: unknown; headers?: Record<string, string> } = {}): HttpResponse {
  const error: { code: string; message: string; details?: unknown } = { code, message };
  if (extra.details !== undefined) error.details = extra.details;
  return { status, json: { error }, headers: extra.headers };
}

/**
 * Turns whatever a handler threw into a response. `HttpError`-shaped errors (a 4xx/5xx `status` and
 * a `code`) are answered as they are; anything else is a bug: logged, and answered with a generic
 * 500 that leaks no internals.
 */
export function toErrorResponse(error: unknown, log: Logger, context: Record<string, unknown>): HttpResponse {
  const e = error as { status?: unknown; code?: unknown; message?: unknown; details?: unknown; headers?: unknown } | null;
  if (typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.status === 'number' && Number.isInteger(e.status) && e.status >= 400 && e.status <= 599) {
    // Headers are sanitised on the way out like a handler's own.
    const headers = typeof e.headers === 'object' && e.headers !== null ? (e.headers as Record<string, string>) : undefined;
    return errorResponse(e.status, e.code, typeof e.message === 'string' ? e.message : e.code, { details: e.details, headers });
  }
  log.error('request handler failed', { ...context, error: (error as Error)?.message, stack: (error as Error)?.stack });
  return errorResponse(500, 'TF_ERR_INTERNAL', 'Internal server error');
}

/**
 * Writes a handler's (or the transport's own) response with the standard headers: security headers
 * first, then `extraHeaders` (CORS), then the content type, then the handler's own headers, which
 * win. A malformed handler result becomes a 500. Does nothing when the exchange is no longer open.
 */
export function sendResponse(exchange: HttpExchange, response: HttpResponse, options: { extraHeaders?: Record<string, string>; close?: boolean; log: Logger; path: string }): void {
  if (!exchange.open) return releaseBody(response);
  let wire: SerializedResponse;
  try {
    wire = serializeResponse(response);
  } catch (error) {
    releaseBody(response);
    options.log.error('invalid handler response', { path: options.path, error: (error as Error).message });
    wire = serializeResponse(errorResponse(500, 'TF_ERR_INTERNAL', 'Internal server error'));
  }
  if (wire.droppedHeaders.length > 0) options.log.warn('unsafe response headers dropped', { path: options.path, headers: wire.droppedHeaders });
  const headers: Record<string, string> = { ...securityHeaders(wire.contentType ?? ''), ...options.extraHeaders };
  if (wire.contentType !== null) headers['content-type'] = wire.contentType;
  Object.assign(headers, wire.headers);
  if (wire.stream !== undefined) return streamResponse(exchange, wire.status, headers, wire.stream, { log: options.log, path: options.path });
  if (wire.file !== undefined) return fileResponse(exchange, wire.status, headers, wire.file, { log: options.log, path: options.path });
  releaseBody(response); // a 204/304 carries no body: its stream or file is not read
  exchange.respond(wire.status, headers, wire.body, options.close);
}

/** A stream or file nobody will read still holds a file handle: release it (tolerates malformed values). */
function releaseBody(response: HttpResponse | null): void {
  const body = response as { stream?: Partial<ResponseStream>; file?: Partial<ResponseFile> } | null;
  try {
    body?.stream?.readable?.destroy?.();
    body?.file?.handle?.close?.().catch(() => undefined);
  } catch {
    // Not a stream or not a file handle after all: nothing to release (the 500 says the rest).
  }
}

/** A handler's answer in wire form. */
interface SerializedResponse {
  status: number;
  contentType: string | null;
  /** The handler's own headers, sanitised (they override the defaults). */
  headers: Record<string, string>;
  droppedHeaders: string[];
  body: string | Uint8Array;
  /** A streamed body (then `body` is empty). */
  stream?: ResponseStream;
  /** A body read from a file (then `body` is empty). */
  file?: ResponseFile;
}

/**
 * `json` → `application/json; charset=utf-8`, `text` → `text/plain; charset=utf-8`, `body` → bytes
 * with the handler's `content-type` (default `application/octet-stream`). Throws on a malformed
 * result (a handler bug, answered as 500 by the caller).
 */
function serializeResponse(result: HttpResponse): SerializedResponse {
  if (typeof result !== 'object' || result === null) throw new TypeError('handler returned no response object');
  const status = result.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new TypeError(`handler returned invalid status ${String(status)}`);
  const kinds = [result.json, result.text, result.body, result.stream, result.file].filter((kind) => kind !== undefined).length;
  if (kinds > 1) throw new TypeError('handler response may set only one of json, text, body, stream and file');
  const { headers, dropped } = sanitizeHeaders(result.headers);
  const noBody = status === 204 || status === 304;
  if (result.json !== undefined) {
    const body = JSON.stringify(result.json);
    if (body === undefined) throw new TypeError('handler json is not serialisable');
    return { status, contentType: 'application/json; charset=utf-8', headers, droppedHeaders: dropped, body: noBody ? '' : body };
  }
  if (result.text !== undefined) {
    if (typeof result.text !== 'string') throw new TypeError('handler text must be a string');
    return { status, contentType: 'text/plain; charset=utf-8', headers, droppedHeaders: dropped, body: noBody ? '' : result.text };
  }
  if (result.body !== undefined) {
    if (!(result.body instanceof Uint8Array)) throw new TypeError('handler body must be a Uint8Array');
    return { status, contentType: headers['content-type'] ?? 'application/octet-stream', headers, droppedHeaders: dropped, body: noBody ? '' : result.body };
  }
  if (result.stream !== undefined) {
    const { readable, length } = result.stream;
    if (typeof readable?.on !== 'function' || typeof readable.destroy !== 'function') throw new TypeError('handler stream.readable must be a Readable');
    if (!Number.isSafeInteger(length) || length < 0) throw new TypeError('handler stream.length must be a non-negative integer');
    return { status, contentType: headers['content-type'] ?? 'application/octet-stream', headers, droppedHeaders: dropped, body: '', ...(noBody ? {} : { stream: result.stream }) };
  }
  if (result.file !== undefined) {
    const { handle, start = 0, length } = result.file;
    if (typeof handle?.read !== 'function' || typeof handle.close !== 'function') throw new TypeError('handler file.handle must be an open FileHandle');
    if (!Number.isSafeInteger(start) || start < 0) throw new TypeError('handler file.start must be a non-negative integer');
    if (!Number.isSafeInteger(length) || length < 0) throw new TypeError('handler file.length must be a non-negative integer');
    return { status, contentType: headers['content-type'] ?? 'application/octet-stream', headers, droppedHeaders: dropped, body: '', ...(noBody ? {} : { file: result.file }) };
  }
  return { status, contentType: null, headers, droppedHeaders: dropped, body: '' };
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// uWS writes these itself (framing) or they belong to the connection, not to a handler.
const RESERVED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'date']);

/**
 * Handler-supplied headers, lower-cased, minus anything that could split the response (CR/LF, bad
 * names) or break framing. uWS copies header bytes verbatim, so this is the only line of defence.
 * Returns the dropped names so the caller can log them (names only, never values).
 */
function sanitizeHeaders(headers: Readonly<Record<string, unknown>> | undefined): { headers: Record<string, string>; dropped: string[] } {
  const clean: Record<string, string> = {};
  const dropped: string[] = [];
  if (headers === undefined || headers === null) return { headers: clean, dropped };
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name) || RESERVED.has(name) || typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      dropped.push(rawName);
      continue;
    }
    Object.defineProperty(clean, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return { headers: clean, dropped };
}

// For anything that is not JSON: nothing may load, frame or submit. Pages served later (a web UI)
// set their own policy through the handler's headers.
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Headers on every HTTP response; handlers may override them. */
export function securityHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) headers['content-security-policy'] = STRICT_CSP;
  return headers;
}

