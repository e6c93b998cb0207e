import type { Principal } from '../plugin-api/authenticator';
import type { UwsWsConnection } from './uws-ws-connection';
import type { WsRouteEntry } from './ws-route-entry';

/** What the upgrade hands to uWS and gets back on every socket event. */
export interface WsUserData {
  readonly route: WsRouteEntry;
  readonly principal: Principal;
  readonly remoteAddress: string;
  readonly path: string;
  /** Set in `open`. */
  connection: UwsWsConnection | null;
}
