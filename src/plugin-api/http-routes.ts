import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { defineCapability } from './capability';
import type { Disposable } from './disposable';
import type { Principal, Role } from './authenticator';

/** Who may call a route: a minimum role, or `public` (no credentials; use sparingly). */
export type Access = Role | 'public';

/**
 * The query string as an object, before a route's `query` schema sees it: a key given once is a
 * string, a key given more than once an array of its values in order. A key whose schema is an array
 * (also inside `.optional()`/`.default()`) is always an array, so `?tag=a` and `?tag=a&tag=b` read alike.
 */
export type QueryValues = Record<string, string | string[]>;

/**
 * A parsed HTTP request as handlers see it. All data is copied: safe to use after `await`.
 * `params`, `query` and `body` are the validated outputs of the route's {@link RouteSchema} (with
 * zod's coercions and defaults applied); without a schema they are the raw values.
 */
export interface HttpRequest<Params = Record<string, string>, Query = QueryValues, Body = unknown> {
  method: string;
  path: string;
  /** `:name` segments of the route pattern (percent-decoded), validated by `schema.params`. */
  params: Params;
  /** The query string as an object ({@link QueryValues}), validated by `schema.query`. */
  query: Query;
  /** The raw query string, for routes that need order or repetition beyond {@link QueryValues}. */
  searchParams: URLSearchParams;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  /**
   * The JSON body, validated by `schema.body` (`undefined` when none was sent and the route has no
   * body schema). Malformed JSON and bodies that fail the schema never reach a handler.
   */
  body: Body;
  /** The authenticated caller (`null` only on `public` routes). */
  principal: Principal | null;
  remoteAddress: string;
  /**
   * The raw request body of a route with {@link RouteDefinition.streamBody} (see {@link StreamedBody}
   * for its rules); absent on every other route.
   */
  bodyStream?: Readable;
}

/** What a handler returns. `json`, `text`, `body`, `stream` and `file` are exclusive; default status 200. */
export interface HttpResponse<Json = unknown> {
  status?: number;
  /** A JSON body; on a route with `schema.response`, checked against it by the compiler. */
  json?: Json;
  text?: string;
  /** Raw body with its own `content-type` header. */
  body?: Uint8Array;
  /** A body streamed to the client as it takes it (a file download); see {@link ResponseStream}. */
  stream?: ResponseStream;
  /** A body read from an open file (a download): the fast way to send a file; see {@link ResponseFile}. */
  file?: ResponseFile;
  headers?: Record<string, string>;
}

/**
 * A response body read from a stream, for bodies too large to hold in memory (a file download).
 *
 * The transport sends `length` as `Content-Length` and reads `readable` only as fast as the client
 * takes the bytes: when the socket's send buffer is full it pauses `readable` and resumes it once
 * the socket drains, so a slow client never makes the agent buffer the file. It destroys `readable`
 * when the client goes away, when the response is complete (bytes beyond `length` are never read
 * or sent), and for `HEAD` requests (headers only). A `readable` that errors or ends before
 * `length` bytes cuts the connection, so the client sees a truncated transfer instead of a
 * short file it would take for whole. The content type comes from the handler's `content-type`
 * header (default `application/octet-stream`).
 */
export interface ResponseStream {
  /** The bytes of the body, in order (e.g. `fs.createReadStream` over an opened file handle). */
  readable: Readable;
  /** Exactly how many bytes `readable` yields (0 or more): sent as `Content-Length`. */
  length: number;
}

/**
 * A response body read straight from an open file: the way to send a file. The transport reads it
 * with positional reads into two buffers of up to 1 MiB that it reuses for the whole response (one
 * is read ahead while the other waits for the socket), so a download of any size costs the agent
 * at most 2 MiB and no allocation per chunk; a {@link ResponseStream} over `fs.createReadStream`
 * allocates a buffer per chunk, which measured ~1.5× slower for large files.
 *
 * Lifecycle rules:
 * - **The transport owns `handle`** from the moment the handler returns it, and closes it in every
 *   case: once `length` bytes are sent, when the client goes away, for `HEAD` (headers and
 *   `Content-Length` only, nothing read), and when the response is never sent (a malformed
 *   response, a client gone before the handler returned). Do not use or close it afterwards.
 * - **Reads follow the client.** While the socket's send buffer is full, nothing more is read.
 * - **Exactly `length` bytes.** Bytes past `start + length` are never read. A file that ends
 *   before it (truncated while sent) or a read that fails cuts the connection, so the client sees
 *   a truncated transfer instead of a short file it would take for whole.
 */
export interface ResponseFile {
  /** An open file (`fs/promises` `open(path, 'r')`); the transport closes it. */
  handle: FileHandle;
  /** Offset of the first byte to send (default 0). */
  start?: number;
  /** Exactly how many bytes to send from `start` (0 or more): sent as `Content-Length`. */
  length: number;
}

/**
 * Opt-in for a request body that reaches the handler as a stream instead of parsed JSON (uploads):
 * the transport never buffers it. The handler reads `request.bodyStream`, a Node `Readable` with
 * these rules:
 *
 * - **Flow control.** While its buffer is full (the handler is not reading, or writes to a slow
 *   disk), the transport stops reading from the client's socket and resumes when the handler reads
 *   again, so memory stays bounded whatever the body's size.
 * - **Byte cap.** The route's {@link RouteDefinition.maxBodyBytes} (required with `streamBody`)
 *   caps it. A `Content-Length` above it is answered 413 `TF_ERR_PAYLOAD_TOO_LARGE` before the
 *   handler runs; a body that passes it while streaming (chunked, or a lying client) is answered
 *   413 at once, the connection is closed, and `bodyStream` errors with an error whose `code` is
 *   `TF_ERR_PAYLOAD_TOO_LARGE` (`status` 413).
 * - **Client gone.** When the client disconnects mid-body, `bodyStream` errors with `code`
 *   `ECONNRESET`. Clean up what you wrote in both cases: the answer no longer matters.
 * - **Media type.** A body whose `Content-Type` is not in `accept` is answered 415
 *   `TF_ERR_UNSUPPORTED_MEDIA_TYPE` (after authentication, like schema validation), before the
 *   handler runs. A request without a body gets an empty, ended `bodyStream`.
 * - **Lifetime.** Consume it before the handler's promise settles: afterwards it is destroyed and
 *   whatever the client still sends is discarded (the connection is closed).
 *
 * `schema.body` does not apply (a route has one or the other); `params` and `query` are validated
 * as usual, before the handler runs.
 */
export interface StreamedBody {
  /** Accepted media types without parameters, e.g. `['multipart/form-data']`, `['application/octet-stream']`. */
  accept: readonly string[];
  /**
   * Documents the body in the OpenAPI description under each type of `accept` (it is not validated:
   * the handler parses the stream). For `multipart/form-data` an object of the form's parts, files
   * as `z.file()`. Default: a binary string.
   */
  schema?: z.ZodType;
}

/**
 * The zod schemas of one route: one declaration validates the request, types the handler and
 * documents the route in `GET /api/openapi.json`.
 *
 * The transport validates `params`, `query` and `body` once, before the handler runs, and answers
 * a failure with 400 `TF_ERR_BAD_REQUEST` whose `details` name each bad field
 * (`[{ "path": "body.cols", "message": "..." }]`). `response` is not checked at run time (the hot
 * path stays free of it; a test walks the routes instead): it types the handler's `json` and
 * documents the success body.
 */
export interface RouteSchema {
  /** The `:name` path segments: an object of strings before validation (use `z.coerce` for numbers). */
  params?: z.ZodType;
  /** The query string as {@link QueryValues}. */
  query?: z.ZodType;
  /**
   * The JSON body. When the client sends none, the schema sees `undefined`: make an optional body
   * `.optional()` or `.default({})`. OpenAPI marks the body required unless the schema accepts `undefined`.
   */
  body?: z.ZodType;
  /** The success response's `json` (the status in `doc.status`, default 200). */
  response?: z.ZodType;
}

/** What schema `K` of `S` produces after validation, or `Fallback` when the route has none. */
export type SchemaOutput<S extends RouteSchema, K extends keyof RouteSchema, Fallback> = S extends { [P in K]: infer T extends z.ZodType } ? z.output<T> : Fallback;
/** What schema `K` of `S` accepts, or `Fallback` when the route has none. */
export type SchemaInput<S extends RouteSchema, K extends keyof RouteSchema, Fallback> = S extends { [P in K]: infer T extends z.ZodType } ? z.input<T> : Fallback;

/**
 * The request a handler of a route with schemas `S` receives; with a {@link StreamedBody} (`B`),
 * `bodyStream` is always there.
 */
export type RouteRequest<S extends RouteSchema, B extends StreamedBody | undefined = undefined> = HttpRequest<
  SchemaOutput<S, 'params', Record<string, string>>,
  SchemaOutput<S, 'query', QueryValues>,
  SchemaOutput<S, 'body', unknown>
> &
  (B extends StreamedBody ? { bodyStream: Readable } : unknown);

/** The response a handler of a route with schemas `S` may return: its `json` fits `schema.response`. */
export type RouteResponse<S extends RouteSchema> = HttpResponse<SchemaInput<S, 'response', unknown>>;

/** OpenAPI documentation of a route, rendered at `GET /api/openapi.json` (schemas come from {@link RouteSchema}). */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Grouping in the OpenAPI document (default: the second path segment, e.g. `sessions`). */
  tags?: string[];
  /** Content type of the success response (default `application/json`); `text/*` bodies are documented as strings. */
  responseType?: string;
  /** Success status (default 200). */
  status?: number;
  /** Other success statuses, answered without a body, e.g. `{ 204: 'already removed' }`. */
  also?: Record<number, string>;
  /**
   * The route answers `Range` requests (parse them with {@link parseByteRange}): documents the
   * `Range` header, `206 Partial Content` with the success body's type, and
   * `416 TF_ERR_RANGE_NOT_SATISFIABLE`.
   */
  ranges?: boolean;
  /**
   * Error statuses worth documenting beyond what the transport adds (400 for schema failures,
   * 401/403 for access, 413/415 for bodies, 403 Origin, 500, 503), e.g.
   * `{ 404: 'No such note (NOTES_ERR_NOT_FOUND)' }`. Codes written in the text (`…_ERR_…` words)
   * become the `code` enum of that response in the OpenAPI document.
   */
  errors?: Record<number, string>;
}

/**
 * One HTTP route. Declare its inputs and output in `schema`; the handler's request and response are
 * typed from it (write routes inline in `HttpRoutes.add({...})`, or with {@link defineRoute}).
 */
export interface RouteDefinition<S extends RouteSchema = RouteSchema, B extends StreamedBody | undefined = StreamedBody | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path pattern with `:param` segments, e.g. `/api/tunnels/:id/start`. */
  path: string;
  access: Access;
  /**
   * Largest accepted body in bytes (default: the server's `maxBodyBytes`). Required with
   * `streamBody`, where it caps the stream.
   */
  maxBodyBytes?: number;
  /** Schemas of the path parameters, query, JSON body and success response. */
  schema?: S;
  /** Hand the handler the raw body as a stream (uploads) instead of parsed JSON; see {@link StreamedBody}. */
  streamBody?: B;
  /**
   * Documentation for the OpenAPI description, or `false` for a route that is not an API operation
   * (static files such as the web client's assets): it is served, but not listed.
   */
  doc?: RouteDoc | false;
  handler(request: RouteRequest<S, B>): RouteResponse<S> | Promise<RouteResponse<S>>;
}

/**
 * Returns `route` as it is, typed: the handler's `request.params`, `.query` and `.body` are the
 * outputs of `route.schema`'s schemas, and its `json` must fit `schema.response`. Useful to define a
 * route apart from the `HttpRoutes.add` call (which infers the same types inline).
 *
 * @example
 * ```ts
 * const resize = defineRoute({
 *   method: 'POST',
 *   path: '/api/things/:id/resize',
 *   access: 'writer',
 *   schema: {
 *     params: z.object({ id: z.string() }),
 *     body: z.strictObject({ cols: z.number().int(), rows: z.number().int() }),
 *     response: z.object({ id: z.string(), cols: z.number(), rows: z.number() }),
 *   },
 *   doc: { summary: 'Resize a thing', errors: { 404: 'No such thing' } },
 *   handler: ({ params, body }) => ({ json: { id: params.id, cols: body.cols, rows: body.rows } }),
 * });
 * http.add(resize);
 * ```
 */
export function defineRoute<S extends RouteSchema = {}, B extends StreamedBody | undefined = undefined>(route: RouteDefinition<S, B>): RouteDefinition<S, B> {
  return route;
}

/** A server-sent-events stream to one client. */
export interface SseStream {
  /** Send one event; returns false once the client is gone. */
  send(event: string, data: unknown, id?: string | number): boolean;
  readonly closed: boolean;
  onClose(listener: () => void): void;
  close(): void;
}

/** A server-sent-events endpoint. */
export interface EventStreamDefinition {
  path: string;
  access: Access;
  doc?: RouteDoc;
  /**
   * Schema of the query string (validated before the stream opens: a failure is answered 400
   * `TF_ERR_BAD_REQUEST` like on any route, and documented in the OpenAPI document).
   */
  schema?: Pick<RouteSchema, 'query'>;
  open(request: HttpRequest, stream: SseStream): void;
}

/**
 * An error a handler throws to answer with `status` and the one error shape of the API,
 * `{ "error": { "code": "TF_ERR_...", "message": "...", "details"?: ... } }`.
 * Recognised by shape (`status` + `code`), so any object of this shape works.
 */
export class HttpError extends Error {
  /**
   * @param details - goes to `error.details` (e.g. the field issues of a 400)
   * @param headers - extra response headers (e.g. `retry-after` on a 429, `cache-control`)
   */
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A registered route, as {@link HttpRoutes.routes} lists it. */
export interface RouteInfo {
  kind: 'http' | 'sse' | 'ws';
  method: string;
  path: string;
  access: Access;
  /** `false`: served, but not an API operation (left out of OpenAPI). */
  doc?: RouteDoc | false;
  /** The route's schemas (HTTP routes only). */
  schema?: RouteSchema;
  /** How a streamed request body is accepted and documented (HTTP routes with `streamBody` only). */
  streamBody?: StreamedBody;
}

/**
 * Registers HTTP routes and SSE endpoints on the agent's server (core capability provided by the
 * built-in `core-http` plugin). Every route is behind the auth chain unless `access: 'public'`.
 *
 * Lifecycle rules: add routes in `activate` (declare `requires: [HttpRoutes]`); dispose them in
 * `deactivate`. A path+method registered twice is an error.
 */
export interface HttpRoutes {
  /** Adds a route; the handler's types are inferred from `route.schema` (and `route.streamBody`). */
  add<S extends RouteSchema = {}, B extends StreamedBody | undefined = undefined>(route: RouteDefinition<S, B>): Disposable;
  addEventStream(definition: EventStreamDefinition): Disposable;
  /** Every route and WebSocket endpoint registered right now, with its access level. */
  routes(): RouteInfo[];
}
export const HttpRoutes = defineCapability<HttpRoutes>('HttpRoutes');

/** One accepted WebSocket. */
export interface WsConnection {
  readonly id: number;
  readonly principal: Principal;
  readonly remoteAddress: string;
  /**
   * Send a frame; `buffered` means it was queued under backpressure, `dropped` that it was not sent.
   * The caller may reuse `data` once this returns (the sessions core does: OUTPUT frames come from
   * one reused block), so an implementation copies whatever it keeps (uWS does).
   */
  send(data: Uint8Array, binary?: boolean): 'sent' | 'buffered' | 'dropped';
  /** Bytes queued in the server for this socket. */
  readonly bufferedAmount: number;
  /** Batch several sends into one syscall. */
  cork(fn: () => void): void;
  close(code?: number, reason?: string): void;
  readonly closed: boolean;
}

/** Callbacks of a WebSocket endpoint. `data` is a private copy. */
export interface WsHandler {
  open?(connection: WsConnection): void;
  /**
   * Optional look at each frame before the transport copies it for `message`: `data` is a view of
   * the transport's own buffer, valid only during this call (never keep it). Return true when the
   * frame is refused (answer it here if at all): `message` is then not called. Cheap checks only —
   * it exists so that a 1 MiB frame an endpoint never accepts costs no copy and no garbage.
   */
  refuse?(connection: WsConnection, data: Buffer, isBinary: boolean): boolean;
  message(connection: WsConnection, data: Buffer, isBinary: boolean): void;
  /** The socket's send buffer emptied (after `send` returned `buffered`). */
  drain?(connection: WsConnection): void;
  close?(connection: WsConnection, code: number, reason: string): void;
}

/** A WebSocket endpoint definition. */
export interface WebSocketRouteDefinition {
  path: string;
  access: Access;
  /** Largest accepted incoming frame; bigger frames close the socket with 1009. */
  maxPayloadBytes?: number;
  doc?: RouteDoc;
  handler: WsHandler;
}

/**
 * Registers WebSocket endpoints (core capability provided by `core-http`). Upgrades pass the auth
 * chain and the Origin allow-list before `open` is called.
 */
export interface WebSocketRoutes {
  add(route: WebSocketRouteDefinition): Disposable;
}
export const WebSocketRoutes = defineCapability<WebSocketRoutes>('WebSocketRoutes');
