/** The sessions core: PTY sessions, output rings, streaming to clients, the sessions API. */
export { createSessionsCore, type SessionsCore, type SessionsCoreDeps } from './create-sessions-core';
export { SessionsConfig, type SessionsConfigInput } from './sessions-config';
export { PtySessionManager } from './pty-session-manager';
export { decodeClientMessage, type ClientMessage } from './client-message';
