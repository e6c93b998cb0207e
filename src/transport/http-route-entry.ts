import type { EventStreamDefinition, RouteDefinition } from '../plugin-api/http-routes';
import type { UwsSseStream } from './uws-sse-stream';

/** What the HTTP route table holds: a plain route, or an SSE endpoint with its open streams. */
export type HttpRouteEntry =
  | { readonly kind: 'route'; readonly definition: RouteDefinition }
  | { readonly kind: 'sse'; readonly definition: EventStreamDefinition; readonly streams: Set<UwsSseStream> };
