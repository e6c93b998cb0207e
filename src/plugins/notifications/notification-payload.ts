import type { AgentEvent, FinishedCommand, SessionEventData } from '../../plugin-api';
import type { NotificationKind } from './notifications-config';

/** What the service worker receives (JSON, encrypted end to end to the device). */
export interface NotificationPayload {
  /** The bus event it tells about: `session.bell`, `session.command-finished`, `session.activity`, `session.title`, or `test`. */
  type: string;
  kind: NotificationKind | 'test';
  sessionId: string | null;
  title: string;
  body: string;
  /** Where a click on the notification goes: the web client's route of the session. */
  url: string;
  /** Notifications with the same tag replace each other on the device (one per session and kind). */
  tag: string;
  time: string;
}

/** The web client's route of one session (src/web/route.ts). */
export function sessionUrl(id: string): string {
  return `/#/session/${encodeURIComponent(id)}`;
}

/** Which kind of notification a bus event is, or null when it is none (an activity event going active). */
export function kindOf(event: AgentEvent): NotificationKind | null {
  switch (event.type) {
    case 'session.bell':
      return 'bell';
    case 'session.command-finished':
      return 'command-finished';
    case 'session.title':
      return 'title';
    case 'session.activity':
      // `active` is part of SessionInfo once session state lands; only the turn to idle notifies.
      return (event.data as { active?: unknown }).active === false ? 'idle' : null;
    default:
      return null;
  }
}

/**
 * The finished command of a `session.command-finished` event (`command`, in place of the session's
 * argv: see `SessionCommandFinished`), or undefined when the data is not shaped like one (any plugin
 * may publish under that name).
 */
export function finishedCommandOf(data: Record<string, unknown>): FinishedCommand | undefined {
  const value = data.command as Partial<FinishedCommand> | undefined;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.durationMs === 'number' ? (value as FinishedCommand) : undefined;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Control characters and escape remnants never reach a notification; text is capped. */
function clean(text: string, max: number): string {
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/**
 * The payload for one session event. `minimal` says what happened and in which session id, nothing
 * of the session's name, command or title (they pass through the browser vendor's push service,
 * encrypted, but some people want even less there).
 */
export function notificationPayload(event: AgentEvent, kind: NotificationKind, detail: 'full' | 'minimal'): NotificationPayload {
  const data = event.data as SessionEventData & { count?: number; title?: string };
  const name = detail === 'full' ? clean(data.name || data.id, 80) : 'a session';
  let title: string;
  let body: string;
  switch (kind) {
    case 'bell':
      title = `Bell in ${name}`;
      body = detail === 'full' && (data.count ?? 1) > 1 ? `${data.count} bells` : 'The session wants your attention';
      break;
    case 'command-finished': {
      const command = finishedCommandOf(data as unknown as Record<string, unknown>);
      const failed = command?.exitCode !== null && command?.exitCode !== undefined && command.exitCode !== 0;
      title = failed ? `Command failed in ${name}` : `Command finished in ${name}`;
      if (detail === 'full' && command) {
        const what = command.command ? clean(command.command, 60) : 'command';
        const code = command.exitCode === null ? 'exit code unknown' : `exit ${command.exitCode}`;
        body = `${what}: ${code} after ${seconds(command.durationMs)}`;
      } else {
        body = failed ? 'A command failed' : 'A command finished';
      }
      break;
    }
    case 'idle':
      title = `${name} is idle`;
      body = 'No output for a while';
      break;
    case 'title':
      title = `New title in ${name}`;
      body = detail === 'full' ? clean(String(data.title ?? ''), 120) || '(empty title)' : 'The title changed';
      break;
  }
  return { type: event.type, kind, sessionId: data.id, title, body, url: sessionUrl(data.id), tag: `${data.id}:${kind}`, time: event.time };
}
