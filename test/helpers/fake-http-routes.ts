import type {
  Disposable, EventStreamDefinition, HttpRequest, HttpResponse, HttpRoutes, Principal, RouteDefinition, RouteInfo, RouteSchema, SseStream,
} from '../../src/plugin-api';
import { validateRequest } from '../../src/transport/request-validation';

/** One recorded server-sent event. */
export interface SentEvent {
  event: string;
  data: unknown;
  id?: string | number;
}

/** An SSE stream that records what is sent. */
export class FakeSseStream implements SseStream {
  readonly sent: SentEvent[] = [];
  closed = false;
  private listeners: Array<() => void> = [];

  send(event: string, data: unknown, id?: string | number): boolean {
    if (this.closed) return false;
    this.sent.push({ event, data, id });
    return true;
  }
  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.listeners) listener();
  }
}

export const WRITER: Principal = { id: 'writer', role: 'writer', via: 'test' };
export const VIEWER: Principal = { id: 'viewer', role: 'viewer', via: 'test' };

/**
 * `HttpRoutes` without a server: records routes and calls handlers the way the transport would
 * (pattern match, params, the route's schemas; a thrown HttpError becomes its status and
 * `{ error: { code, message, details } }`).
 * Access levels are recorded, not enforced (that is the transport's job).
 */
export class FakeHttpRoutes implements HttpRoutes {
  readonly definitions: RouteDefinition[] = [];
  readonly streams: EventStreamDefinition[] = [];

  add<S extends RouteSchema = {}>(typed: RouteDefinition<S>): Disposable {
    const route = typed as RouteDefinition;
    this.definitions.push(route);
    return { dispose: () => void this.definitions.splice(this.definitions.indexOf(route) >>> 0, 1) };
  }

  routes(): RouteInfo[] {
    return [
      ...this.definitions.map((r): RouteInfo => ({ kind: 'http', method: r.method, path: r.path, access: r.access, doc: r.doc, schema: r.schema })),
      ...this.streams.map((d): RouteInfo => ({ kind: 'sse', method: 'GET', path: d.path, access: d.access, doc: d.doc })),
    ];
  }

  addEventStream(definition: EventStreamDefinition): Disposable {
    this.streams.push(definition);
    return { dispose: () => void this.streams.splice(this.streams.indexOf(definition) >>> 0, 1) };
  }

  route(method: string, path: string): { route: RouteDefinition; params: Record<string, string> } | undefined {
    for (const route of this.definitions) {
      if (route.method !== method) continue;
      const pattern = route.path.split('/');
      const parts = path.split('/');
      if (pattern.length !== parts.length) continue;
      const params: Record<string, string> = {};
      if (pattern.every((segment, i) => segment.startsWith(':') ? ((params[segment.slice(1)] = decodeURIComponent(parts[i])), true) : segment === parts[i])) {
        return { route, params };
      }
    }
    return undefined;
  }

  async call(method: string, path: string, options: { body?: unknown; principal?: Principal } = {}): Promise<HttpResponse & { status: number }> {
    const found = this.route(method, path);
    if (!found) return { status: 404, json: { error: { code: 'TF_ERR_NO_ROUTE' } } };
    try {
      // The transport's own validation, so handlers see exactly what they would behind the server.
      const searchParams = new URLSearchParams();
      const input = await validateRequest(found.route.schema, { params: found.params, searchParams, body: options.body });
      const request = {
        method, path, params: input.params, query: input.query, searchParams, headers: {}, body: input.body,
        principal: options.principal ?? WRITER, remoteAddress: '127.0.0.1',
      } as HttpRequest;
      const response = await found.route.handler(request);
      return { ...response, status: response.status ?? 200 };
    } catch (error) {
      const e = error as { status?: number; code?: string; message?: string; details?: unknown };
      if (typeof e.status === 'number' && typeof e.code === 'string') {
        return { status: e.status, json: { error: { code: e.code, message: e.message, details: e.details } } };
      }
      throw error;
    }
  }

  openStream(path: string, principal: Principal = VIEWER): FakeSseStream {
    const definition = this.streams.find((s) => s.path === path);
    if (!definition) throw new Error(`no stream at ${path}`);
    const stream = new FakeSseStream();
    definition.open({
      method: 'GET', path, params: {}, query: {}, searchParams: new URLSearchParams(), headers: {}, body: undefined, principal, remoteAddress: '127.0.0.1',
    }, stream);
    return stream;
  }
}
