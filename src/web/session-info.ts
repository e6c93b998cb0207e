/** A session as the HTTP API and ATTACHED describe it (docs/protocol.md §3): the agent's own type. */
export type { SessionInfo } from '../plugin-api/session-manager';
