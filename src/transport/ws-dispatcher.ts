import { performance } from 'node:perf_hooks';
import * as uWS from 'uWebSockets.js';
import type { Authenticator, Principal } from '../plugin-api/authenticator';
import type { Logger } from '../plugin-api/core-services';
import type { HttpResponse, WebSocketRouteDefinition } from '../plugin-api/http-routes';
import { authorize, type AuthOutcome } from './auth-chain';
import { HttpExchange, snapshotRequest, type RequestSnapshot } from './http-exchange';
import { errorResponse, sendResponse } from './http-response';
import { invokeSafely, reportLastResort } from './invoke-safely';
import { checkWebSocketOrigin } from './origin-policy';
import type { GateHolder } from './request-gate';
import type { RouteTable } from './route-table';
import type { TransportConfig } from './transport-config';
import { UwsWsConnection } from './ws-connection';

/** A registered WebSocket endpoint and the sockets it currently has open. */
export interface WsRouteEntry {
  readonly definition: WebSocketRouteDefinition;
  /** Frames above this close the socket with 1009. */
  readonly maxPayloadBytes: number;
  readonly connections: Set<UwsWsConnection>;
  /** Disposed: late upgrades are refused, late opens closed. */
  removed: boolean;
}

/** What the upgrade hands to uWS and gets back on every socket event. */
export interface WsUserData {
  readonly route: WsRouteEntry;
  readonly principal: Principal;
  readonly remoteAddress: string;
  readonly path: string;
  /** Set in `open`. */
  connection: UwsWsConnection | null;
}

/** Subprotocol entries that carry a credential (`tunnelforge.bearer.<token>`, `tunnelforge.ticket.<ticket>`). */
const CREDENTIAL = /^tunnelforge\.(?:bearer|ticket)\./i;

/**
 * The subprotocol to confirm on an upgrade: the first one offered that is not a credential. Clients
 * list their application protocol first (`['tunnelforge.v1', 'tunnelforge.ticket.<t>']`); echoing
 * the whole list would be invalid and makes clients drop the connection, and echoing a credential
 * would copy it into a response header that proxies may log.
 */
export function chooseSubprotocol(offered: string | undefined): string {
  const entries = (offered ?? '').split(',').map((entry) => entry.trim());
  return entries.find((entry) => entry !== '' && !CREDENTIAL.test(entry)) ?? '';
}

/** Who a connection on a `public` WebSocket endpoint acts as: the weakest role, flagged by `via`. */
const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', role: 'viewer', via: 'public' });

/**
 * The single uWS WebSocket behaviour (`ws('/*')`): upgrades pass route lookup, the Origin rule and
 * the auth chain before uWS completes them; socket events are dispatched to the endpoint captured
 * at upgrade. Plugin callbacks are isolated so that one client or handler cannot crash the agent.
 */
export class WsDispatcher {
  /** Open sockets, closed with 1001 by `close()`. */
  readonly connections = new Set<UwsWsConnection>();
  private nextId = 1;

  constructor(
    private readonly routes: RouteTable<WsRouteEntry>,
    private readonly config: TransportConfig,
    private readonly authenticators: () => readonly Authenticator[],
    private readonly log: Logger,
    /** Origins allowed at run time (a tunnel's public URL while it is up). */
    private readonly extraOrigins: ReadonlySet<string> = new Set(),
    private readonly gate: GateHolder = { current: null },
  ) {}

  behavior(maxPayloadLength: number): uWS.WebSocketBehavior<WsUserData> {
    return {
      maxPayloadLength,
      maxBackpressure: this.config.wsMaxBackpressure,
      // closeOnBackpressureLimit stays at its default (off): sockets are never closed for being slow.
      idleTimeout: this.config.idleTimeoutSec,
      sendPingsAutomatically: true,
      // A binary protocol of terminal output: compression costs CPU per client and mixes secrets with attacker-chosen text.
      compression: uWS.DISABLED,
      upgrade: (res, req, context) => this.upgrade(res, req, context),
      open: (ws) => this.open(ws),
      message: (ws, message, isBinary) => this.message(ws, message, isBinary),
      drain: (ws) => this.drain(ws),
      close: (ws, code, message) => this.closed(ws, code, message),
    };
  }

  private upgrade(res: uWS.HttpResponse, req: uWS.HttpRequest, context: uWS.us_socket_context_t): void {
    const started = performance.now();
    const exchange = new HttpExchange(res);
    let request: RequestSnapshot = { method: 'GET', path: '?', query: '', headers: {}, remoteAddress: '' };
    try {
      request = snapshotRequest(req, res, this.config.trustProxy);
      this.checkUpgrade(exchange, request, started, context);
    } catch (error) {
      // Nothing may escape into uWS: an exception there is an uncaught exception in the agent.
      this.log.error('websocket upgrade failed', { path: request.path, error: (error as Error)?.message });
      this.reject(exchange, request, started, errorResponse(500, 'TF_ERR_INTERNAL', 'Internal server error'));
    }
  }

  /** The synchronous half of the upgrade: route, then Origin, both before any credential is looked at. */
  private checkUpgrade(exchange: HttpExchange, request: RequestSnapshot, started: number, context: uWS.us_socket_context_t): void {
    const gated = this.gate.current?.(request.path) ?? null;
    if (gated !== null) return this.reject(exchange, request, started, gated);
    const lookup = this.routes.lookup('GET', request.path);
    if (lookup.kind !== 'found' || lookup.value.removed) {
      return this.reject(exchange, request, started, errorResponse(404, 'TF_ERR_NOT_FOUND', 'No such WebSocket endpoint'));
    }
    const origin = checkWebSocketOrigin(request.headers, this.extraOrigins.size === 0 ? this.config.allowedOrigins : [...this.config.allowedOrigins, ...this.extraOrigins], this.config.trustProxy);
    if (!origin.ok) return this.reject(exchange, request, started, errorResponse(403, 'TF_ERR_BAD_ORIGIN', origin.message));
    this.authorizeUpgrade(exchange, request, started, lookup.value, context).catch((error: unknown) => reportLastResort(this.log, 'websocket upgrade', { path: request.path }, error));
  }

  /** The async half of the upgrade: everything it needs was copied before the first await. */
  private async authorizeUpgrade(exchange: HttpExchange, request: RequestSnapshot, started: number, route: WsRouteEntry, context: uWS.us_socket_context_t): Promise<void> {
    const { path, query, headers, remoteAddress } = request;
    let auth: AuthOutcome;
    try {
      auth = await authorize(route.definition.access, this.authenticators, { surface: 'ws', method: 'GET', path, query, headers, remoteAddress }, this.log);
    } catch (error) {
      this.log.error('websocket authorization failed', { path, error: (error as Error)?.message });
      auth = { ok: false, status: 401, code: 'TF_ERR_UNAUTHENTICATED', message: 'Authentication failed', headers: {} };
    }
    if (!exchange.open) return this.logUpgrade(exchange, request, started);
    if (!auth.ok) return this.reject(exchange, request, started, errorResponse(auth.status, auth.code, auth.message, { headers: auth.headers }));
    if (route.removed) return this.reject(exchange, request, started, errorResponse(404, 'TF_ERR_NOT_FOUND', 'No such WebSocket endpoint'));
    const userData: WsUserData = { route, principal: auth.principal ?? ANONYMOUS, remoteAddress, path, connection: null };
    exchange.upgrade(userData, headers['sec-websocket-key'] ?? '', chooseSubprotocol(headers['sec-websocket-protocol']), headers['sec-websocket-extensions'] ?? '', context);
    this.logUpgrade(exchange, request, started);
  }

  private open(ws: uWS.WebSocket<WsUserData>): void {
    const data = ws.getUserData();
    const connection = new UwsWsConnection(ws, this.nextId++, data.principal, data.remoteAddress, this.config.wsMaxBackpressure);
    data.connection = connection;
    if (data.route.removed) return connection.close(1001, 'Endpoint removed');
    this.connections.add(connection);
    data.route.connections.add(connection);
    connection.opened = true;
    const handler = data.route.definition.handler;
    if (handler.open !== undefined && !invokeSafely(this.log, 'websocket open', { path: data.path }, () => handler.open?.(connection))) {
      connection.close(1011, 'Internal error');
    }
  }

  private message(ws: uWS.WebSocket<WsUserData>, message: ArrayBuffer, isBinary: boolean): void {
    const data = ws.getUserData();
    const connection = data.connection;
    if (connection === null || connection.closed) return;
    if (message.byteLength > data.route.maxPayloadBytes) return connection.close(1009, 'Message too big');
    const handler = data.route.definition.handler;
    if (handler.refuse !== undefined) {
      // A view, not a copy: frames the handler refuses (an oversized control frame) cost no copy.
      const view = Buffer.from(message);
      let refused = false;
      invokeSafely(this.log, 'websocket refuse handler', { path: data.path }, () => (refused = handler.refuse?.(connection, view, isBinary) === true));
      if (refused || connection.closed) return;
    }
    // Copy: uWS neuters the ArrayBuffer when this callback returns, and handlers may keep the data.
    const copy = Buffer.from(new Uint8Array(message));
    invokeSafely(this.log, 'websocket message handler', { path: data.path }, () => handler.message(connection, copy, isBinary));
  }

  private drain(ws: uWS.WebSocket<WsUserData>): void {
    const data = ws.getUserData();
    const connection = data.connection;
    const handler = data.route.definition.handler;
    if (connection === null || connection.closed || handler.drain === undefined) return;
    invokeSafely(this.log, 'websocket drain handler', { path: data.path }, () => handler.drain?.(connection));
  }

  private closed(ws: uWS.WebSocket<WsUserData>, code: number, message: ArrayBuffer): void {
    const data = ws.getUserData();
    const connection = data.connection;
    if (connection === null) return;
    connection.markClosed(); // before anything else: the uWS socket is invalid from here on
    this.connections.delete(connection);
    data.route.connections.delete(connection);
    const reason = Buffer.from(new Uint8Array(message)).toString('utf8');
    // 1006 is uWS dropping the connection itself, e.g. "Received invalid UTF-8" for a text frame
    // that is not UTF-8 (uWS checks that before any handler runs): the reason says why.
    this.log.debug('websocket closed', { path: data.path, id: connection.id, code, ...(code === 1006 && reason !== '' ? { reason } : {}) });
    const handler = data.route.definition.handler;
    if (connection.opened && handler.close !== undefined) {
      invokeSafely(this.log, 'websocket close handler', { path: data.path }, () => handler.close?.(connection, code, reason));
    }
  }

  /** Refuses an upgrade with a normal HTTP error response, then closes the connection. */
  private reject(exchange: HttpExchange, request: RequestSnapshot, started: number, response: HttpResponse): void {
    sendResponse(exchange, response, { close: true, log: this.log, path: request.path });
    this.logUpgrade(exchange, request, started);
  }

  private logUpgrade(exchange: HttpExchange, request: RequestSnapshot, started: number): void {
    const ms = Math.round((performance.now() - started) * 10) / 10;
    this.log.debug('websocket upgrade', { path: request.path, status: exchange.aborted && exchange.status === 0 ? 'aborted' : exchange.status, ms });
  }
}
