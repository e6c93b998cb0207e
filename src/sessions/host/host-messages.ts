/** JSON messages between the agent and its session host (the hot path is binary: see host-frames). */

/** HELLO: the agent introduces itself. */
export interface HostHello {
  protocol: number;
  /** The secret from the host's secret file (proves the agent runs as the same OS user). */
  secret: string;
  agentVersion: string;
  agentInstanceId: string;
}

/** WELCOME: the host accepts the agent. */
export interface HostWelcome {
  protocol: number;
  hostId: string;
  hostVersion: string;
  pid: number;
  startedAt: string;
}

/** REFUSED: why the host will not talk to this agent (the socket is closed after it). */
export interface HostRefusal {
  code: 'TF_ERR_HOST_PROTOCOL' | 'TF_ERR_HOST_SECRET' | 'TF_ERR_HOST_BUSY' | 'TF_ERR_BAD_FRAME';
  message: string;
}

/** What a session host spawns (the agent resolved the command and built the environment). */
export interface HostCreateSpec {
  sessionId: string;
  name: string;
  /** argv with `command[0]` an absolute executable path. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  ringBytes: number;
  /** When the agent created it (ms since the epoch): the host keeps the agent's time. */
  createdAt: number;
  /** Record output (asciicast v2) to this file; null: no recording. */
  recording: { file: string; maxBytes: number; keep: boolean } | null;
}

/** One size change positioned in the output stream. */
export interface HostResize {
  offset: number;
  cols: number;
  rows: number;
}

/** A session as the host knows it: enough for a new agent to adopt it. */
export interface HostSessionState {
  handle: number;
  sessionId: string;
  name: string;
  command: string[];
  cwd: string;
  /** ISO times. */
  createdAt: string;
  exitedAt: string | null;
  pid: number | null;
  exit: { exitCode: number | null; signal: string | null } | null;
  ringStart: number;
  ringEnd: number;
  ringBytes: number;
  /** Size changes the ring still covers, the one in effect at `ringStart` first. */
  resizes: HostResize[];
  /** Its output is being recorded. */
  recording: boolean;
}

/** Requests the agent sends (`REQUEST` frames); each is answered by one `REPLY` with the same id. */
export type HostRequest =
  | { id: number; op: 'create'; spec: HostCreateSpec }
  | { id: number; op: 'list' }
  /** The ring's bytes, answered as a binary RING reply. */
  | { id: number; op: 'ring'; handle: number }
  | { id: number; op: 'rename'; handle: number; name: string }
  | { id: number; op: 'kill'; handle: number; signal: 'SIGTERM' | 'SIGHUP' | 'SIGKILL' }
  /** Forget the session (SIGKILL first if it still runs). */
  | { id: number; op: 'remove'; handle: number }
  /** End every session and the host itself. */
  | { id: number; op: 'shutdown' };

export type HostReply =
  | { id: number; ok: true; result?: unknown }
  | { id: number; ok: false; error: { code: string; message: string } };

/** EXIT: a session's process ended; sent after all its output. */
export interface HostExit {
  handle: number;
  exitCode: number | null;
  signal: string | null;
  exitedAt: string;
}

/** NOTICE: something about a session the agent should report (its recording stopped). */
export interface HostNotice {
  handle: number;
  recordingStopped: string;
}
