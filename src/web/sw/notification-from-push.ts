/** What the agent's push payload holds (src/plugins/notifications/notification-payload.ts). */
interface PushPayload {
  title?: unknown;
  body?: unknown;
  url?: unknown;
  tag?: unknown;
  sessionId?: unknown;
  kind?: unknown;
}

const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.slice(0, max) : undefined);

/**
 * The URL a notification may open: a path of this origin (the agent's own page), never another
 * site, whatever the payload says.
 */
export function sameOriginUrl(value: unknown, origin: string): string {
  if (typeof value !== 'string') return `${origin}/`;
  try {
    const url = new URL(value, origin);
    return url.origin === origin ? url.href : `${origin}/`;
  } catch {
    return `${origin}/`;
  }
}

/**
 * The notification for a push payload; a payload that is not the agent's shape still shows
 * something. Its `url` is kept only when it is a path of `origin`.
 */
export function notificationFromPush(data: unknown, origin: string): { title: string; options: NotificationOptions } {
  const payload = (typeof data === 'object' && data !== null ? data : {}) as PushPayload;
  return {
    title: text(payload.title, 120) ?? 'TunnelForge',
    options: {
      body: text(payload.body, 300) ?? '',
      tag: text(payload.tag, 200),
      // Bells and finished commands want attention again even when they replace an older one.
      renotify: text(payload.tag, 200) !== undefined,
      data: { url: sameOriginUrl(payload.url, origin), sessionId: payload.sessionId, kind: payload.kind },
    } as NotificationOptions,
  };
}
