import type { Role, SessionInfo } from '../http/api-schemas';

/** ATTACHED: the session, the role the server granted, where output starts, and the server's protocol version. */
export interface AttachedFrame {
  type: 'attached';
  protocol: number;
  session: SessionInfo;
  role: Role;
  startOffset: number;
}

/** OUTPUT: `data` is the session's output from absolute byte `offset` on. */
export interface OutputFrame<B extends Uint8Array = Uint8Array> {
  type: 'output';
  offset: number;
  data: B;
}

/** SNAPSHOT: the screen (scrollback, rows, modes as escape sequences) at `offset`, at `cols` × `rows`. */
export interface SnapshotFrame<B extends Uint8Array = Uint8Array> {
  type: 'snapshot';
  offset: number;
  cols: number;
  rows: number;
  data: B;
}

export interface ExitFrame {
  type: 'exit';
  exitCode: number | null;
  signal: string | null;
}

export interface ResizedFrame {
  type: 'resized';
  cols: number;
  rows: number;
}

/** ERROR: a `TF_ERR_*` code; the connection stays usable. */
export interface ErrorFrame {
  type: 'error';
  code: string;
  message: string;
}

export interface PongFrame<B extends Uint8Array = Uint8Array> {
  type: 'pong';
  payload: B;
}

/** WATCHING: the answer to WATCH, the sessions now followed as they are. */
export interface WatchingFrame {
  type: 'watching';
  all: boolean;
  sessions: SessionInfo[];
}

/** PREVIEW: a watched session's visible screen as text (lines joined with `\n`, trailing spaces trimmed), at most a few per second. */
export interface PreviewFrame {
  type: 'preview';
  sessionId: string;
  /** The session's output offset the preview shows the screen at. */
  outputBytes: number;
  cols: number;
  rows: number;
  text: string;
}

/** SESSION_EVENT: a `session.*` bus event of a watched session (docs/events.md), as `GET /api/events` sends it. */
export interface SessionEventFrame {
  type: 'session-event';
  event: { id: number; type: string; time: string; source: string; data: Record<string, unknown> & { id: string } };
}

/**
 * A decoded server → client frame of protocol v1. `B` is the byte type of the payloads: the type
 * of the frame that was decoded (payloads are views into it, never copies), e.g. `Buffer` in Node.
 */
export type ServerFrame<B extends Uint8Array = Uint8Array> = AttachedFrame | OutputFrame<B> | SnapshotFrame<B> | ExitFrame | ResizedFrame | ErrorFrame | PongFrame<B>
  | WatchingFrame | PreviewFrame | SessionEventFrame;
