import * as uWS from 'uWebSockets.js';
import type { z } from 'zod';
import type { Authenticator, Principal } from '../plugin-api/authenticator';
import type { Disposable } from '../plugin-api/disposable';
import type { Logger } from '../plugin-api/core-services';
import type {
  EventStreamDefinition,
  HttpRoutes,
  RouteDefinition,
  RouteInfo,
  RouteSchema,
  SseStream,
  StreamedBody,
  WebSocketRouteDefinition,
  WebSocketRoutes,
} from '../plugin-api/http-routes';
import { HttpDispatcher, type HttpRouteEntry } from './http-dispatcher';
import { normalizeOrigin } from './origin-policy';
import type { GateHolder, RequestGate } from './request-gate';
import { RouteTable } from './route-table';
import { TransportConfig } from './transport-config';
import { TransportError } from './transport-error';
import { WsDispatcher, type WsRouteEntry, type WsUserData } from './ws-dispatcher';

/** Where the server listens once `listen()` resolved. */
export interface ListenAddress {
  host: string;
  /** The real port (also when 0 was asked for). */
  port: number;
  /** `http://host:port`, with IPv6 hosts in brackets. */
  url: string;
}

/** Constructor options of {@link UwsServer}. */
export interface UwsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  /** The current auth chain, in order; read on every request so plugins may come and go. */
  authenticators: () => readonly Authenticator[];
  /** Transport settings; every field has a default. */
  options?: z.input<typeof TransportConfig>;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ACCESS = new Set(['public', 'viewer', 'writer', 'admin']);

/** The binary exports this flag at top level; the typings only as a (runtime-absent) enum. */
const EXCLUSIVE_PORT = (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT?: number }).LIBUS_LISTEN_EXCLUSIVE_PORT ?? 1;

/** `listen(host, port, options, cb)` exists in the binary but not in the shipped typings. */
type ListenWithOptions = (host: string, port: number, options: number, cb: (socket: uWS.us_listen_socket | false) => void) => void;

/**
 * The agent's HTTP + WebSocket server on uWebSockets.js, and the only code that touches uWS.
 * One catch-all HTTP handler and one WebSocket behaviour dispatch to our own route tables, so
 * plugins can add and remove routes at any time, before or after `listen`.
 */
export class UwsServer implements HttpRoutes, WebSocketRoutes {
  private readonly config: TransportConfig;
  private readonly log: Logger;
  private readonly httpRoutes = new RouteTable<HttpRouteEntry>();
  private readonly wsRoutes = new RouteTable<WsRouteEntry>();
  private readonly http: HttpDispatcher;
  private readonly ws: WsDispatcher;
  private app: uWS.TemplatedApp | null = null;
  private listenSocket: uWS.us_listen_socket | null = null;
  private state: 'new' | 'listening' | 'closed' = 'new';
  /** uWS's frame limit, fixed at `listen` (the largest route limit then). */
  private wsPayloadLimit = 0;
  private bound: ListenAddress | null = null;
  private readonly extraOrigins = new Set<string>();
  private readonly gate: GateHolder = { current: null };
  /** The principal of every open SSE stream on an authenticated endpoint. */
  private readonly streamPrincipals = new Map<SseStream, Principal>();

  constructor(private readonly options: UwsServerOptions) {
    assertNativeUws(uWS);
    const parsed = TransportConfig.safeParse(options.options ?? {});
    if (!parsed.success) throw new TransportError('TF_ERR_CONFIG', `invalid transport options: ${parsed.error.message}`);
    this.config = parsed.data;
    this.log = options.log;
    this.http = new HttpDispatcher(this.httpRoutes, this.config, options.authenticators, this.log, this.extraOrigins, this.gate);
    this.ws = new WsDispatcher(this.wsRoutes, this.config, options.authenticators, this.log, this.extraOrigins, this.gate);
  }

  /** The bound address, or `null` before `listen` resolved and after `close`. */
  get address(): ListenAddress | null {
    return this.bound;
  }

  /** Registers an HTTP route (`RouteDefinition`) or a WebSocket endpoint (`WebSocketRouteDefinition`). */
  add<S extends RouteSchema = {}, B extends StreamedBody | undefined = undefined>(route: RouteDefinition<S, B>): Disposable;
  add(route: WebSocketRouteDefinition): Disposable;
  add(route: RouteDefinition<RouteSchema> | WebSocketRouteDefinition): Disposable {
    // Stored type-erased: the handler's types were checked against the schemas where the route was written.
    return 'method' in route ? this.addRoute(route as RouteDefinition) : this.addWebSocket(route);
  }

  addEventStream(definition: EventStreamDefinition): Disposable {
    checkAccess(definition.access, definition.path);
    if (typeof definition.open !== 'function') throw new TypeError(`event stream ${definition.path}: open must be a function`);
    // Remember who opened each stream, so `closeWhere` can end the streams of a revoked credential.
    const open = definition.open.bind(definition);
    const tracked: EventStreamDefinition = {
      ...definition,
      open: (request, stream) => {
        if (request.principal !== null) {
          this.streamPrincipals.set(stream, request.principal);
          stream.onClose(() => this.streamPrincipals.delete(stream));
        }
        open(request, stream);
      },
    };
    const entry: HttpRouteEntry = { kind: 'sse', definition: tracked, streams: new Set() };
    const remove = this.httpRoutes.add('GET', definition.path, entry);
    return once(() => {
      remove();
      for (const stream of [...entry.streams]) stream.close();
    });
  }

  /**
   * Put a gate in front of every HTTP request and WebSocket upgrade (see {@link RequestGate}); the
   * agent answers 503 through it while it starts or stops. Disposing removes it.
   */
  setGate(gate: RequestGate): Disposable {
    this.gate.current = gate;
    return once(() => {
      if (this.gate.current === gate) this.gate.current = null;
    });
  }

  /**
   * Allow browser requests and WebSocket upgrades from `origin` (e.g. a tunnel's public URL) until
   * disposed. Invalid origins are refused with a TypeError.
   */
  allowOrigin(origin: string): Disposable {
    const normalized = normalizeOrigin(origin);
    if (normalized === null) throw new TypeError(`not an origin: ${origin}`);
    this.extraOrigins.add(normalized);
    return once(() => void this.extraOrigins.delete(normalized));
  }

  /**
   * Close every open WebSocket (code 1008, policy violation) and event stream whose principal
   * matches, e.g. those opened with a credential that was just revoked. Resolves to how many closed.
   */
  closeWhere(matches: (principal: Principal) => boolean, reason: string): number {
    let closed = 0;
    for (const connection of [...this.ws.connections]) {
      if (connection.closed || !matches(connection.principal)) continue;
      connection.close(1008, reason);
      closed++;
    }
    for (const [stream, principal] of [...this.streamPrincipals]) {
      if (stream.closed || !matches(principal)) continue;
      stream.close();
      closed++;
    }
    return closed;
  }

  routes(): RouteInfo[] {
    const http = this.httpRoutes.entries().map(({ method, path, value }): RouteInfo => ({
      kind: value.kind === 'sse' ? 'sse' : 'http',
      method,
      path,
      access: value.definition.access,
      doc: value.definition.doc,
      ...(value.definition.schema !== undefined ? { schema: value.definition.schema } : {}),
      ...(value.kind === 'route' && value.definition.streamBody !== undefined ? { streamBody: value.definition.streamBody } : {}),
    }));
    const ws = this.wsRoutes.entries().map(({ path, value }): RouteInfo => ({ kind: 'ws', method: 'GET', path, access: value.definition.access, doc: value.definition.doc }));
    return [...http, ...ws];
  }

  /** Starts listening. Port 0 picks a free port; the result has the real one. */
  listen(): Promise<ListenAddress> {
    if (this.state !== 'new') return Promise.reject(new TransportError('TF_ERR_LISTEN', `server already ${this.state === 'listening' ? 'listening' : 'closed'}`));
    const { host, port } = this.options;
    const app = uWS.App();
    this.wsPayloadLimit = Math.max(this.config.maxWsPayloadBytes, ...this.wsRoutes.values().map((entry) => entry.maxPayloadBytes));
    // WebSocket behaviour first: upgrade requests go to it, everything else falls through to `any`.
    app.ws<WsUserData>('/*', this.ws.behavior(this.wsPayloadLimit));
    app.any('/*', (res, req) => this.http.handle(res, req));
    this.app = app;
    this.state = 'listening';
    return new Promise((resolve, reject) => {
      // Exclusive: by default uSockets sets SO_REUSEPORT on Linux, and a second agent on the same port
      // would silently share (and split) the traffic instead of failing (checked on 20.30).
      (app.listen as unknown as ListenWithOptions).call(app, host, port, EXCLUSIVE_PORT, (socket) => {
        if (socket === false) {
          this.state = 'closed';
          this.app = null;
          closeApp(app);
          reject(new TransportError('TF_ERR_LISTEN', `cannot listen on ${host}:${port}: port in use or address not available`));
          return;
        }
        this.listenSocket = socket;
        const actualPort = uWS.us_socket_local_port(socket as unknown as uWS.us_socket);
        this.bound = { host, port: actualPort, url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}` };
        this.log.info('listening', { url: this.bound.url });
        resolve(this.bound);
      });
    });
  }

  /**
   * Stops listening, closes every WebSocket with 1001 (going away), ends every SSE stream, then drops
   * idle keep-alive connections. Safe to call more than once, and without `listen`.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const connection of [...this.ws.connections]) connection.close(1001, 'Server shutting down');
    for (const stream of [...this.http.streams]) stream.close();
    if (this.listenSocket !== null) uWS.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
    this.bound = null;
    const app = this.app;
    this.app = null;
    if (app !== null) {
      // Let the close frames and stream ends leave before the remaining sockets are cut.
      await new Promise((resolve) => setImmediate(resolve));
      closeApp(app);
    }
  }

  private addRoute(route: RouteDefinition): Disposable {
    if (!METHODS.has(route.method)) throw new TypeError(`route ${route.path}: unsupported method ${String(route.method)}`);
    checkAccess(route.access, route.path);
    if (typeof route.handler !== 'function') throw new TypeError(`route ${route.method} ${route.path}: handler must be a function`);
    checkLimit(route.maxBodyBytes, `route ${route.method} ${route.path}: maxBodyBytes`);
    checkSchema(route.schema, `route ${route.method} ${route.path}`);
    checkStreamBody(route, `route ${route.method} ${route.path}`);
    return once(this.httpRoutes.add(route.method, route.path, { kind: 'route', definition: route }));
  }

  private addWebSocket(route: WebSocketRouteDefinition): Disposable {
    checkAccess(route.access, route.path);
    if (typeof route.handler?.message !== 'function') throw new TypeError(`websocket ${route.path}: handler.message must be a function`);
    checkLimit(route.maxPayloadBytes, `websocket ${route.path}: maxPayloadBytes`);
    const entry: WsRouteEntry = { definition: route, maxPayloadBytes: route.maxPayloadBytes ?? this.config.maxWsPayloadBytes, connections: new Set(), removed: false };
    if (this.state === 'listening' && entry.maxPayloadBytes > this.wsPayloadLimit) {
      this.log.warn('websocket route added after listen allows larger frames than uWS accepts; the uWS limit applies', {
        path: route.path,
        maxPayloadBytes: entry.maxPayloadBytes,
        limit: this.wsPayloadLimit,
      });
    }
    const remove = this.wsRoutes.add('GET', route.path, entry);
    return once(() => {
      entry.removed = true;
      remove();
      for (const connection of [...entry.connections]) connection.close(1001, 'Endpoint removed');
    });
  }
}

function checkAccess(access: unknown, path: string): void {
  if (!ACCESS.has(access as string)) throw new TypeError(`${path}: access must be one of public, viewer, writer, admin`);
}

/** Registration-time check that `schema` holds only zod schemas, so a typo fails at start, not on a request. */
function checkSchema(schema: RouteSchema | undefined, what: string): void {
  if (schema === undefined) return;
  if (typeof schema !== 'object' || schema === null) throw new TypeError(`${what}: schema must be an object`);
  for (const [key, value] of Object.entries(schema)) {
    if (!['params', 'query', 'body', 'response'].includes(key)) throw new TypeError(`${what}: unknown schema part "${key}" (use params, query, body, response)`);
    if (value !== undefined && typeof (value as { safeParseAsync?: unknown }).safeParseAsync !== 'function') throw new TypeError(`${what}: schema.${key} must be a zod schema`);
  }
}

/** A `streamBody` route names lower-case media types, caps its stream itself and has no JSON body schema. */
function checkStreamBody(route: RouteDefinition, what: string): void {
  const stream = route.streamBody;
  if (stream === undefined) return;
  const accept: unknown = stream?.accept;
  if (!Array.isArray(accept) || accept.length === 0 || !accept.every((type) => typeof type === 'string' && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type))) {
    throw new TypeError(`${what}: streamBody.accept must list lower-case media types such as "multipart/form-data"`);
  }
  if (route.maxBodyBytes === undefined) throw new TypeError(`${what}: a streamBody route must set maxBodyBytes (the cap of its stream)`);
  if (route.schema?.body !== undefined) throw new TypeError(`${what}: a streamBody route cannot have schema.body (the handler reads the stream)`);
  if (route.method === 'GET' || route.method === 'DELETE') throw new TypeError(`${what}: streamBody needs POST, PUT or PATCH`);
}

function checkLimit(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new TypeError(`${what} must be a positive integer`);
}

function once(fn: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/** `App.close()` (closes every socket of the app) exists in the binary but not in the typings. */
function closeApp(app: uWS.TemplatedApp): void {
  (app as unknown as { close?: () => void }).close?.();
}

/**
 * Throws unless the loaded uWebSockets.js is the native binary. On an unsupported Node ABI the
 * package silently swaps in a pure-JS shim over `ws` whose custom `upgrade`, `getUserData`,
 * `onWritable` and remote addresses throw "not implemented" (see deps.md §1.4): better to refuse to
 * start than to fail on the first client. Native functions stringify as `[native code]`.
 */
export function assertNativeUws(uws: { App: unknown }): void {
  const source = typeof uws.App === 'function' ? Function.prototype.toString.call(uws.App) : '';
  if (!/\[native code\]/.test(source)) {
    throw new TransportError(
      'TF_ERR_UWS_NOT_NATIVE',
      `uWebSockets.js loaded its JavaScript fallback instead of the native binary (Node ${process.version}, ` +
        `ABI ${process.versions.modules}, ${process.platform}-${process.arch}). TunnelForge needs the native ` +
        'build: run on Node 20 (ABI 115) on a supported platform, and do not set UWS_USE_FALLBACK.',
    );
  }
}
