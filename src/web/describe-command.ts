import type { SessionInfo } from './session-info';

/** "✓ make · 12.3s" / "✗ exit 1 · 2.1s" / "done · 4s": the last finished command of a session, for its card. */
export function describeCommand(command: NonNullable<SessionInfo['lastCommand']>): string {
  const seconds = command.durationMs / 1000;
  const took = seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
  const what = command.command ? `${command.command} · ` : '';
  if (command.exitCode === null) return `done: ${what}${took}`;
  return command.exitCode === 0 ? `✓ ${what}${took}` : `✗ exit ${command.exitCode} · ${what}${took}`;
}
