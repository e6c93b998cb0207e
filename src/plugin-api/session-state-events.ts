import { defineEvent } from './define-event';
import type { SessionEventData } from './events';

/**
 * A command that finished in a session: from the shell's OSC 133 marks, or (for shells without
 * them) from the terminal's foreground process returning to the shell.
 */
export interface FinishedCommand {
  /** Exit code, when the shell reported it (OSC 133 `D;<code>`); `null` when it is unknown. */
  exitCode: number | null;
  /** Time from the command's start to its end, in milliseconds. */
  durationMs: number;
  /** ISO time the command ended. */
  finishedAt: string;
  /** How the end was detected. */
  source: 'osc133' | 'foreground';
  /** The command's name when known (the foreground process's name), never its arguments. */
  command?: string;
}

/** A session's title changed (OSC 0/2; `title` in the data, sanitized and capped). */
export const SessionTitleChanged = defineEvent<SessionEventData>('session.title');
/** The session rang the bell (BEL outside any escape sequence); `count` bells since the last event (debounced). */
export const SessionBell = defineEvent<SessionEventData & { count: number }>('session.bell');
/** The session went active (output within the activity window) or idle (`active` in the data). */
export const SessionActivity = defineEvent<SessionEventData>('session.activity');
/**
 * A command finished in the session. `command` is the {@link FinishedCommand} here: it takes the place
 * of the session's argv (`SessionInfo.command`), which this event does not carry (`GET /api/sessions/:id` has it).
 */
export const SessionCommandFinished = defineEvent<Omit<SessionEventData, 'command'> & { command: FinishedCommand }>('session.command-finished');
