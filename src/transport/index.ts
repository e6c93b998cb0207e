/** The uWebSockets.js transport: the only part of TunnelForge that imports uWS. */
export { UwsServer } from './uws-server';
export type { UwsServerOptions } from './uws-server-options';
export type { ListenAddress } from './listen-address';
export { TransportConfig } from './transport-config';
export { TransportError } from './transport-error';
