/** The uWebSockets.js transport: the only part of TunnelForge that imports uWS. */
export { UwsServer, type ListenAddress, type UwsServerOptions } from './uws-server';
export { TransportConfig } from './transport-config';
export { TransportError } from './transport-error';
