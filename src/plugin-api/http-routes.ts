import type { z } from 'zod';
import { defineCapability } from './capability';
import type { Disposable } from './disposable';
import type { Principal, Role } from './authenticator';

/** Who may call a route: a minimum role, or `public` (no credentials; use sparingly). */
export type Access = Role | 'public';

/** A parsed HTTP request as handlers see it. All data is copied: safe to use after `await`. */
export interface HttpRequest {
  method: string;
  path: string;
  /** `:name` segments of the route pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  /** Parsed JSON body (`undefined` when there is none). Malformed JSON never reaches a handler. */
  body: unknown;
  /** The authenticated caller (`null` only on `public` routes). */
  principal: Principal | null;
  remoteAddress: string;
}

/** What a handler returns. `json` and `text` are exclusive; default status 200. */
export interface HttpResponse {
  status?: number;
  json?: unknown;
  text?: string;
  /** Raw body with its own `content-type` header. */
  body?: Uint8Array;
  headers?: Record<string, string>;
}

/** OpenAPI documentation of a route, rendered at `GET /api/openapi.json`. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Grouping in the OpenAPI document (default: the plugin's area, e.g. `sessions`). */
  tags?: string[];
  /** Schema of the JSON request body. */
  request?: z.ZodType;
  /** Schema of the success response body. */
  response?: z.ZodType;
  /** Content type of the success response (default `application/json`). */
  responseType?: string;
  /** Success status (default 200). */
  status?: number;
  /** Error statuses worth documenting beyond the usual 400/401/403, e.g. `{ 404: 'no such session' }`. */
  errors?: Record<number, string>;
}

/** One HTTP route. */
export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path pattern with `:param` segments, e.g. `/api/tunnels/:id/start`. */
  path: string;
  access: Access;
  /** Largest accepted body in bytes (default: the server's `maxBodyBytes`). */
  maxBodyBytes?: number;
  /** Documentation for the OpenAPI description. */
  doc?: RouteDoc;
  handler(request: HttpRequest): HttpResponse | Promise<HttpResponse>;
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
  open(request: HttpRequest, stream: SseStream): void;
}

/**
 * An error a handler throws to answer with `{ "error": { "code", "message" } }` and `status`.
 * Recognised by shape (`status` + `code`), so any object of this shape works.
 */
export class HttpError extends Error {
  constructor(public readonly status: number, public readonly code: string, message: string, public readonly details?: unknown) {
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
  doc?: RouteDoc;
}

/**
 * Registers HTTP routes and SSE endpoints on the agent's server (core capability provided by the
 * built-in `core-http` plugin). Every route is behind the auth chain unless `access: 'public'`.
 *
 * Lifecycle rules: add routes in `activate` (declare `requires: [HttpRoutes]`); dispose them in
 * `deactivate`. A path+method registered twice is an error.
 */
export interface HttpRoutes {
  add(route: RouteDefinition): Disposable;
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
  /** Send a frame; `buffered` means it was queued under backpressure, `dropped` that it was not sent. */
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
