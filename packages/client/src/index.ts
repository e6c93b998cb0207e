/**
 * `@tunnelforge/client`: everything a TunnelForge client needs, for browsers and Node alike
 * (Node-only helpers are in `@tunnelforge/client/node`). See docs/clients.md.
 * @packageDocumentation
 */
export { Opcode } from './protocol/opcode';
export { PROTOCOL_VERSION, SUBPROTOCOL } from './protocol/protocol-version';
export { ProtocolCodec } from './protocol/protocol-codec';
export { chunkUtf8 } from './protocol/chunk-utf8';
export type { AttachRequest, ClientFrame, WatchRequest } from './protocol/client-frame';
export type { AttachedFrame, ErrorFrame, ExitFrame, OutputFrame, PongFrame, PreviewFrame, ResizedFrame, ServerFrame, SessionEventFrame, SnapshotFrame, WatchingFrame } from './protocol/server-frame';

export type { paths as ApiPaths } from './http/api-types';
export type { ApiTokenInfo, AuthConfig, CreateSessionRequest, DirectoryPage, DownloadLink, FileEntry, IssuedSession, PathCompletion, PluginInfo, PowerView, Principal, Role, SessionInfo, SessionInputRequest, SessionUpload, ShareInfo, ShareLink, TunnelStatus, WebSocketTicket } from './http/api-schemas';
export { createApiClient, type ApiClient, type ApiClientOptions } from './http/create-api-client';
export { authenticatedFetch, type FetchFunction } from './http/authenticated-fetch';
export { TunnelForgeError, ProtocolVersionError } from './http/tunnelforge-error';
export { TunnelForgeClient, type TunnelForgeClientOptions, type TerminalOptions } from './http/tunnelforge-client';

export { bearerToken, type Credentials } from './auth/credentials';
export { LoginSession, type LoginOptions, type LoginSessionEvents, type LoginState } from './auth/login-session';

export { TerminalConnection, MAX_INPUT_FRAME_BYTES, type TerminalConnectionEvents, type TerminalConnectionOptions, type ReconnectOptions, type WebSocketAuth } from './terminal/terminal-connection';
export { SessionWatcher, type SessionWatcherEvents, type SessionWatcherOptions } from './terminal/session-watcher';
export { Backoff } from './terminal/backoff';
export type { ConnectionState, EndReason } from './terminal/connection-state';
export { globalWebSocket, WEB_SOCKET_OPEN, type WebSocketFactory, type WebSocketLike } from './terminal/web-socket-like';
export { Emitter } from './util/emitter';
