import type { WebSocketRouteDefinition } from '../plugin-api/http-routes';
import type { UwsWsConnection } from './uws-ws-connection';

/** A registered WebSocket endpoint and the sockets it currently has open. */
export interface WsRouteEntry {
  readonly definition: WebSocketRouteDefinition;
  /** Frames above this close the socket with 1009. */
  readonly maxPayloadBytes: number;
  readonly connections: Set<UwsWsConnection>;
  /** Disposed: late upgrades are refused, late opens closed. */
  removed: boolean;
}
