import type { PtyExit } from './pty-session';

/** What a terminal session hears from its PTY. */
export interface PtyEvents {
  /** Every output chunk, in order. The session copies what it keeps. */
  onData(chunk: Buffer): void;
  /** Once, after every output chunk was delivered. */
  onExit(exit: PtyExit): void;
  /** Where the PTY runs, its recording stopped early (a write failed). */
  onRecordingStopped?(message: string): void;
}

/**
 * The PTY behind a terminal session, wherever it runs: in the agent's process (node-pty directly)
 * or in the session host (over its socket). Calls after exit return false or do nothing.
 */
export interface PtyProcess {
  /** The session leader's process id. */
  readonly pid: number;
  write(data: string | Uint8Array): boolean;
  resize(cols: number, rows: number): boolean;
  /** Flow control: stop reading output until `resume`. */
  pause(): void;
  resume(): void;
  kill(signal: NodeJS.Signals): boolean;
  /** The session is removed: end the process if it runs and let go of it. */
  dispose(): void;
  /** The agent stops but the process goes on elsewhere (the session host): only stop listening. */
  release?(): void;
  /** Where the process lives went away (the session host died): report the session ended. */
  lost?(): void;
}

/** Starts (or binds to) the PTY of a session, reporting to `events`. */
export type PtyFactory = (events: PtyEvents) => PtyProcess;
