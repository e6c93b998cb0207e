import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { parse as parseContentType } from 'content-type';
import type * as uWS from 'uWebSockets.js';
import type { Authenticator } from '../plugin-api/authenticator';
import type { Logger } from '../plugin-api/core-services';
import { HttpError, type EventStreamDefinition, type HttpRequest, type HttpResponse, type RouteDefinition } from '../plugin-api/http-routes';
import { authorize } from './auth-chain';
import { HttpExchange, isJsonContentType, parseJsonBody, readBody, snapshotRequest, type RequestSnapshot } from './http-exchange';
import { errorResponse, securityHeaders, sendResponse, toErrorResponse } from './http-response';
import { invokeSafely, reportLastResort } from './invoke-safely';
import { JsonShapeScanner } from './json-shape-scanner';
import { checkHttpOrigin, corsHeaders } from './origin-policy';
import type { GateHolder } from './request-gate';
import { RequestBodyStream } from './request-body-stream';
import { validateRequest } from './request-validation';
import type { RouteTable } from './route-table';
import { UwsSseStream } from './sse-stream';
import type { TransportConfig } from './transport-config';

/** What the HTTP route table holds: a plain route, or an SSE endpoint with its open streams. */
export type HttpRouteEntry =
  | { readonly kind: 'route'; readonly definition: RouteDefinition }
  | { readonly kind: 'sse'; readonly definition: EventStreamDefinition; readonly streams: Set<UwsSseStream> };

const PREFLIGHT_ALLOWED_HEADERS = 'authorization, content-type';

/**
 * Serves every plain HTTP request (the uWS `any('/*')` handler): route lookup, body, auth, handler,
 * response. The synchronous part copies the request and attaches `onAborted`/`onData` before the
 * first `await`, as uWS requires; the rest runs in `complete`.
 */
export class HttpDispatcher {
  /** Open SSE streams, ended by `close()`. */
  readonly streams = new Set<UwsSseStream>();
  /** Configured origins besides our own that may send requests: WebSocket origins and CORS origins. */
  private readonly configured: readonly string[];

  constructor(
    private readonly routes: RouteTable<HttpRouteEntry>,
    private readonly config: TransportConfig,
    private readonly authenticators: () => readonly Authenticator[],
    private readonly log: Logger,
    /** Origins allowed at run time (a tunnel's public URL while it is up). */
    private readonly extraOrigins: ReadonlySet<string> = new Set(),
    private readonly gate: GateHolder = { current: null },
  ) {
    this.configured = [...new Set([...config.allowedOrigins, ...config.cors.origins])];
  }

  private get origins(): readonly string[] {
    return this.extraOrigins.size === 0 ? this.configured : [...this.configured, ...this.extraOrigins];
  }

  handle(res: uWS.HttpResponse, req: uWS.HttpRequest): void {
    const started = performance.now();
    const exchange = new HttpExchange(res);
    let request: RequestSnapshot = { method: '?', path: '?', query: '', headers: {}, remoteAddress: '' };
    try {
      request = snapshotRequest(req, res, this.config.trustProxy);
      this.dispatch(exchange, request, started);
    } catch (error) {
      // Nothing may escape into uWS: an exception there is an uncaught exception in the agent.
      this.finish(exchange, request, started, toErrorResponse(error, this.log, { path: request.path }), {});
    }
  }

  private dispatch(exchange: HttpExchange, request: RequestSnapshot, started: number): void {
    const cors = corsHeaders(request.headers['origin'], this.config.cors.origins);
    if (request.method === 'OPTIONS' && 'access-control-allow-origin' in cors && this.preflight(exchange, request, started, cors)) return;
    // HEAD is answered like GET without the body (a body here would corrupt a keep-alive connection).
    exchange.headOnly = request.method === 'HEAD';
    const gated = this.gate.current?.(request.path) ?? null;
    if (gated !== null) {
      exchange.bodyPending = hasBody(request.headers);
      return this.finish(exchange, request, started, gated, cors);
    }
    const lookup = this.routes.lookup(exchange.headOnly ? 'GET' : request.method, request.path);
    if (lookup.kind === 'not-found') {
      return this.finish(exchange, request, started, errorResponse(404, 'TF_ERR_NOT_FOUND', 'No such route'), cors);
    }
    if (lookup.kind === 'method-not-allowed') {
      const allow = lookup.allowed.join(', ');
      return this.finish(exchange, request, started, errorResponse(405, 'TF_ERR_METHOD_NOT_ALLOWED', `Use ${allow}`, { headers: { allow } }), cors);
    }
    const entry = lookup.value;
    if (exchange.headOnly && entry.kind === 'sse') {
      return this.finish(exchange, request, started, errorResponse(405, 'TF_ERR_METHOD_NOT_ALLOWED', 'Use GET', { headers: { allow: 'GET' } }), cors);
    }
    const origin = checkHttpOrigin(request.headers, this.origins, this.config.trustProxy);
    if (!origin.ok) {
      exchange.bodyPending = hasBody(request.headers);
      return this.finish(exchange, request, started, errorResponse(403, 'TF_ERR_BAD_ORIGIN', origin.message), cors);
    }
    let body: Promise<Buffer | null> | null = null;
    const contentLength = request.headers['content-length'];
    if (contentLength !== undefined && !/^\d+$/.test(contentLength)) {
      exchange.bodyPending = true;
      return this.finish(exchange, request, started, errorResponse(400, 'TF_ERR_BAD_REQUEST', 'Invalid Content-Length'), cors);
    }
    // A streamBody route reads its own body (uploads): flow-controlled, capped by the route, never buffered whole.
    const streamed = entry.kind === 'route' && entry.definition.streamBody !== undefined ? this.openBodyStream(exchange, request, started, entry.definition, cors) : null;
    if (streamed === false) return;
    if (streamed === null && hasBody(request.headers)) {
      const limit = (entry.kind === 'route' ? entry.definition.maxBodyBytes : undefined) ?? this.config.maxBodyBytes;
      const tooLarge = (): HttpResponse => errorResponse(413, 'TF_ERR_PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`);
      if (Number(request.headers['content-length'] ?? 0) > limit) {
        exchange.bodyPending = true;
        return this.finish(exchange, request, started, tooLarge(), cors);
      }
      if (!isJsonContentType(request.headers['content-type'])) {
        exchange.bodyPending = true;
        return this.finish(exchange, request, started, errorResponse(415, 'TF_ERR_UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json'), cors);
      }
      // Nesting and key count are checked on the bytes as they arrive, before JSON.parse ever sees them.
      const shape = new JsonShapeScanner({ maxDepth: this.config.maxJsonDepth, maxKeys: this.config.maxJsonKeys });
      body = readBody(exchange, {
        limit,
        onTooLarge: () => this.finish(exchange, request, started, tooLarge(), cors),
        inspect: (chunk) => shape.feed(chunk),
        onRefused: () => this.finish(exchange, request, started, errorResponse(400, 'TF_ERR_JSON_TOO_COMPLEX', `Request body refused: ${shape.problem}`), cors),
      });
    }
    this.complete(exchange, request, started, entry, lookup.params, body, cors, streamed).catch((error: unknown) => reportLastResort(this.log, 'http request', { path: request.path }, error));
  }

  /**
   * The body of a `streamBody` route as a flow-controlled stream (an empty one when the request has
   * none), or false when a Content-Length over the route's cap was answered 413 already.
   */
  private openBodyStream(exchange: HttpExchange, request: RequestSnapshot, started: number, route: RouteDefinition, cors: Record<string, string>): Readable | false {
    if (!hasBody(request.headers)) return RequestBodyStream.empty();
    const limit = route.maxBodyBytes ?? this.config.maxBodyBytes;
    // Said in units people read: this message reaches users as is (an upload that failed).
    const tooLarge = () => this.finish(exchange, request, started, errorResponse(413, 'TF_ERR_PAYLOAD_TOO_LARGE', `Request body exceeds the ${describeBytes(limit)} this route accepts`), cors);
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      exchange.bodyPending = true;
      tooLarge();
      return false;
    }
    return new RequestBodyStream(exchange, limit, tooLarge);
  }

  private async complete(
    exchange: HttpExchange,
    snapshot: RequestSnapshot,
    started: number,
    entry: HttpRouteEntry,
    params: Record<string, string>,
    body: Promise<Buffer | null> | null,
    cors: Record<string, string>,
    bodyStream: Readable | null = null,
  ): Promise<void> {
    try {
      const { method, path, query, headers, remoteAddress } = snapshot;
      const surface = entry.kind === 'sse' ? 'sse' : 'http';
      const auth = await authorize(entry.definition.access, this.authenticators, { surface, method, path, query, headers, remoteAddress }, this.log);
      if (!exchange.open) return this.logRequest(exchange, snapshot, started);
      if (!auth.ok) {
        bodyStream?.destroy(); // not a byte of an unauthenticated upload is read further
        return this.finish(exchange, snapshot, started, errorResponse(auth.status, auth.code, auth.message, { headers: auth.headers }), cors);
      }
      let parsed: unknown = undefined;
      if (body !== null) {
        const bytes = await body;
        if (bytes === null) {
          if (exchange.status === 0) this.logRequest(exchange, snapshot, started); // aborted mid-body (413 logs itself)
          return;
        }
        parsed = parseJsonBody(bytes);
      }
      const searchParams = new URLSearchParams(query);
      // Validated after auth: an unauthenticated caller learns nothing of a route's schema.
      const input = await validateRequest(entry.definition.schema, { params, searchParams, body: parsed });
      if (bodyStream !== null && entry.kind === 'route') checkStreamedMediaType(entry.definition, headers['content-type'], hasBody(headers));
      // The handler's types come from the same schemas (RouteRequest), so this cast is checked where the route is written.
      const request = { method, path, params: input.params, query: input.query, searchParams, headers, body: input.body, principal: auth.principal, remoteAddress } as HttpRequest;
      if (bodyStream !== null) request.bodyStream = bodyStream;
      if (entry.kind === 'sse') return this.openStream(exchange, snapshot, started, entry, request, cors);
      // `schema.response` is not checked here: a per-response parse on the hot path to catch a server bug (see RouteSchema).
      const response = await entry.definition.handler(request);
      bodyStream?.destroy(); // the handler is done with it; the rest of an unread body is discarded
      this.finish(exchange, snapshot, started, response, cors);
    } catch (error) {
      bodyStream?.destroy();
      this.finish(exchange, snapshot, started, toErrorResponse(error, this.log, { path: snapshot.path }), cors);
    }
  }

  private openStream(exchange: HttpExchange, snapshot: RequestSnapshot, started: number, entry: HttpRouteEntry & { kind: 'sse' }, request: HttpRequest, cors: Record<string, string>): void {
    const stream = new UwsSseStream(exchange, { keepAliveMs: this.config.sseKeepAliveMs, maxQueuedBytes: this.config.sseMaxQueuedBytes, path: snapshot.path }, this.log);
    const headers = {
      ...securityHeaders('text/event-stream'),
      ...cors,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no', // nginx and friends: do not buffer the stream
    };
    const opened = stream.start(headers);
    this.logRequest(exchange, snapshot, started);
    if (!opened) return;
    entry.streams.add(stream);
    this.streams.add(stream);
    stream.onClose(() => {
      entry.streams.delete(stream);
      this.streams.delete(stream);
    });
    if (!invokeSafely(this.log, 'event stream open', { path: snapshot.path }, () => entry.definition.open(request, stream))) stream.close();
  }

  /** CORS preflight from a configured origin. False when the path is unknown (falls through to 404). */
  private preflight(exchange: HttpExchange, request: RequestSnapshot, started: number, cors: Record<string, string>): boolean {
    const lookup = this.routes.lookup('OPTIONS', request.path);
    if (lookup.kind !== 'method-not-allowed') return false;
    const requested = request.headers['access-control-request-method'];
    if (requested === undefined || !lookup.allowed.includes(requested)) return false;
    exchange.respond(
      204,
      {
        ...securityHeaders(''),
        ...cors,
        'access-control-allow-methods': lookup.allowed.join(', '),
        'access-control-allow-headers': PREFLIGHT_ALLOWED_HEADERS,
        'access-control-max-age': '600',
      },
      '',
    );
    this.logRequest(exchange, request, started);
    return true;
  }

  private finish(exchange: HttpExchange, request: RequestSnapshot, started: number, response: HttpResponse, cors: Record<string, string>): void {
    sendResponse(exchange, response, { extraHeaders: cors, log: this.log, path: request.path });
    this.logRequest(exchange, request, started);
  }

  /** Method, path, status and time only: headers, query and bodies can carry secrets. */
  private logRequest(exchange: HttpExchange, request: RequestSnapshot, started: number): void {
    const ms = Math.round((performance.now() - started) * 10) / 10;
    this.log.debug('http request', { method: request.method, path: request.path, status: exchange.aborted && exchange.status === 0 ? 'aborted' : exchange.status, ms });
  }
}

/**
 * A streamed body's media type must be one the route accepts (415 otherwise); no body needs no type.
 * Parsed with the `content-type` library (RFC 9110 grammar): a malformed header is not a media type.
 */
function checkStreamedMediaType(route: RouteDefinition, contentType: string | undefined, present: boolean): void {
  if (!present) return;
  let type = '';
  try {
    type = parseContentType(contentType ?? '').type;
  } catch {
    // not a media type: refused below
  }
  const accepted = route.streamBody?.accept ?? [];
  if (!accepted.includes(type)) throw new HttpError(415, 'TF_ERR_UNSUPPORTED_MEDIA_TYPE', `Request bodies here must be ${accepted.join(' or ')}`);
}

/** `8388608` → `8.0 MiB (8388608 bytes)`; below 1 KiB just the bytes. */
function describeBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit < 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]} (${bytes} bytes)`;
}

/** Per RFC 9112 a request has a body only with Content-Length > 0 or Transfer-Encoding. */
function hasBody(headers: Readonly<Record<string, string>>): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

