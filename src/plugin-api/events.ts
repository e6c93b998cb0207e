import type { Role } from './authenticator';
import { defineEvent } from './define-event';
import { DirectoryCreated, FileDeleted, FileRenamed, FileUploaded } from './file-events';
import type { MonitorSample } from './monitor';
import type { PowerView } from './power-view';
import type { SessionInfo } from './session-manager';
import { SettingsChanged } from './settings-events';
import { SessionActivity, SessionBell, SessionCommandFinished, SessionTitleChanged } from './session-state-events';
import type { TunnelStatus } from './tunnel-provider';

/**
 * Who caused an event: the authenticated principal behind the request or WebSocket, reduced to what
 * is safe to broadcast (never a credential).
 */
export interface Actor {
  /** The principal's id: user name, API token id, `local`, a share link id. */
  id: string;
  role: Role;
  /** Id of the authenticator that admitted it (`auth-password`, `auth-token`, `auth-share`, ...). */
  via: string;
}

/** Data of every `session.*` event: the session as it is now, and who caused the change. */
export type SessionEventData = SessionInfo & {
  /** The principal whose request caused it; `null` when the agent itself did (a process exiting on its own, shutdown). */
  by: Actor | null;
};

/** A session was created. */
export const SessionCreated = defineEvent<SessionEventData>('session.created');
/** A session was renamed. */
export const SessionRenamed = defineEvent<SessionEventData>('session.renamed');
/** A session's PTY size changed. */
export const SessionResized = defineEvent<SessionEventData>('session.resized');
/** A session's process exited (`exitCode`/`signal` say how); `by` is set when someone killed it. */
export const SessionExited = defineEvent<SessionEventData>('session.exited');
/** A session was removed from the list. */
export const SessionRemoved = defineEvent<SessionEventData>('session.removed');
/** A WebSocket client attached to a session (`clients` counts it). */
export const SessionAttached = defineEvent<SessionEventData>('session.attached');
/** A WebSocket client detached from a session. */
export const SessionDetached = defineEvent<SessionEventData>('session.detached');
/** A session's recording stopped early (a write failed, e.g. a full disk); the session goes on. */
export const SessionRecordingStopped = defineEvent<SessionEventData & { reason: string }>('session.recording-stopped');

/** The HTTP server accepts connections at `url` (published by core-http in its `start`). */
export const ServerListening = defineEvent<{ url: string }>('server.listening');
/** The agent is ready: every plugin has activated and started, and the server accepts connections. */
export const AgentReady = defineEvent<{ url: string; instanceId: string; startedAt: string }>('agent.ready');
/** The agent began shutting down. */
export const AgentStopping = defineEvent<{ reason: string }>('agent.stopping');

/** The power hold changed (data as `GET /api/power` answers). */
export const PowerChanged = defineEvent<PowerView>('power.changed');
/** A tunnel provider's state changed. */
export const TunnelStatusChanged = defineEvent<TunnelStatus>('tunnel.status');
/** One monitoring round finished (samples without their metric families). */
export const MonitorSampled = defineEvent<{ time: string; samples: Array<Pick<MonitorSample, 'monitor' | 'time' | 'data'>> }>('monitor.sample');

/**
 * A credential was revoked (logout, API token or paired device revoked, share link revoked, a reused
 * refresh token): `credential` is the {@link Principal.credential} id it admitted. Published by the
 * plugin that owns the credential; core-http closes the WebSockets and event streams opened with it.
 * Only admins see `auth.*` events on `GET /api/events`.
 */
export const CredentialRevoked = defineEvent<{ credential: string; reason: string }>('auth.revoked');

/**
 * Sent on `GET /api/events` only (never on the bus), first, when the `Last-Event-ID` a client resumes
 * from cannot be replayed: `unknown` (not an id of this run of the agent) or `too-old` (events after
 * it are no longer held). Events were missed: `sessions` is the current list (what the client may see)
 * to resynchronise from; live events follow.
 */
export const EventsMissed = defineEvent<{ lastEventId: string; reason: 'unknown' | 'too-old'; sessions: SessionInfo[] }>('events.missed');

/** Every built-in event type (for catalogues and filters). */
export const BUILTIN_EVENTS = [
  SessionCreated, SessionRenamed, SessionResized, SessionExited, SessionRemoved, SessionAttached, SessionDetached,
  SessionRecordingStopped, SessionTitleChanged, SessionBell, SessionActivity, SessionCommandFinished, ServerListening, AgentReady, AgentStopping, PowerChanged, TunnelStatusChanged, MonitorSampled, CredentialRevoked,
  FileUploaded, DirectoryCreated, FileRenamed, FileDeleted, EventsMissed, SettingsChanged,
] as const;

/** Reduce a principal to the {@link Actor} events carry. */
export function actorOf(principal: { id: string; role: Role; via: string } | null | undefined): Actor | null {
  return principal ? { id: principal.id, role: principal.role, via: principal.via } : null;
}
