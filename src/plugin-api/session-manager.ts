import { defineCapability } from './capability';
import type { Actor } from './events';
import type { FinishedCommand } from './session-state-events';

/** Public view of a terminal session. */
export interface SessionInfo {
  id: string;
  name: string;
  /** argv actually spawned. */
  command: string[];
  cwd: string;
  /** Process id of the session's leader, null once reaped and unknown. */
  pid: number | null;
  state: 'running' | 'exited';
  /** Exit code once exited (null when killed by a signal). */
  exitCode: number | null;
  /** Signal name (`SIGTERM`) when ended by a signal. */
  signal: string | null;
  cols: number;
  rows: number;
  /** ISO times. */
  createdAt: string;
  exitedAt: string | null;
  /** WebSocket clients attached right now. */
  clients: number;
  /** Total bytes of output the session has produced (the next output offset). */
  outputBytes: number;
  /**
   * Id of the session host that runs the process (it outlives agent restarts), or null when the
   * process runs inside the agent. Compare with a previous answer to tell an agent restart (same
   * host id, offsets continue) from a lost host (the session is gone).
   */
  hostId: string | null;
  /** Why the session ended although its process did not exit by itself (its session host died), else null. */
  lost: string | null;
  /** Its output is being recorded (`GET /api/sessions/:id/recording`). */
  recording: boolean;
  /** The terminal's title (OSC 0/2), control characters removed, capped (`maxTitleChars`); null when none was set. */
  title: string | null;
  /** ISO time of the last output, null before any. */
  lastOutputAt: string | null;
  /** Output within the activity window (`activityWindowMs`). */
  active: boolean;
  /** Name of the terminal's foreground process (the shell, or the program running in front); null when unknown. */
  foreground: string | null;
  /** The last command that finished (OSC 133 marks, or the foreground process returning to the shell); null before any. */
  lastCommand: FinishedCommand | null;
}

/** Input for {@link SessionManager.create}. */
export interface CreateSessionOptions {
  /** argv; defaults to the user's login shell. */
  command?: string[];
  cwd?: string;
  env?: Record<string, string>;
  name?: string;
  cols?: number;
  rows?: number;
  /** Record the session's output (asciicast v2, never input); default: the `recordByDefault` config. */
  record?: boolean;
}

/** Named keys accepted by {@link SessionManager.sendKey} and `POST /api/sessions/:id/input`. */
export type SpecialKey =
  | 'enter' | 'tab' | 'escape' | 'backspace' | 'delete' | 'space'
  | 'arrow_up' | 'arrow_down' | 'arrow_left' | 'arrow_right'
  | 'home' | 'end' | 'page_up' | 'page_down' | 'insert'
  | 'ctrl_a' | 'ctrl_c' | 'ctrl_d' | 'ctrl_e' | 'ctrl_k' | 'ctrl_l' | 'ctrl_r' | 'ctrl_u' | 'ctrl_w' | 'ctrl_z'
  | 'shift_tab' | 'ctrl_enter' | 'shift_enter'
  | 'f1' | 'f2' | 'f3' | 'f4' | 'f5' | 'f6' | 'f7' | 'f8' | 'f9' | 'f10' | 'f11' | 'f12';

/**
 * The agent's terminal sessions (a core capability provided by the built-in `core-sessions` plugin).
 * Errors are thrown as objects with a `code` (`TF_ERR_SESSION_NOT_FOUND`, `TF_ERR_SESSION_EXITED`,
 * `TF_ERR_BAD_SIZE`, `TF_ERR_SESSION_LIMIT`, ...) and an HTTP `status`.
 *
 * Events published on the bus (typed, see `events.ts`): `SessionCreated`, `SessionExited`,
 * `SessionRenamed`, `SessionResized`, `SessionRemoved`, `SessionAttached`, `SessionDetached`; data: the
 * {@link SessionInfo} plus `by`, the {@link Actor} passed to the call that caused it (`null` when none:
 * pass `actorOf(request.principal)` from a route so subscribers know who acted).
 */
export interface SessionManager {
  list(): SessionInfo[];
  get(id: string): SessionInfo | undefined;
  create(options: CreateSessionOptions, by?: Actor | null): Promise<SessionInfo>;
  rename(id: string, name: string, by?: Actor | null): SessionInfo;
  resize(id: string, cols: number, rows: number, by?: Actor | null): SessionInfo;
  /** Write input to the session's PTY. */
  write(id: string, data: string | Uint8Array): void;
  sendKey(id: string, key: SpecialKey): void;
  /** SIGTERM, then SIGKILL after the grace period; resolves once exited. */
  kill(id: string, by?: Actor | null): Promise<SessionInfo>;
  /** Forget an exited session (kills it first if still running). */
  remove(id: string, by?: Actor | null): Promise<void>;
  /** The visible screen as plain text lines. */
  screenText(id: string): Promise<string>;
}
export const SessionManager = defineCapability<SessionManager>('SessionManager');
