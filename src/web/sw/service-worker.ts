/// <reference lib="webworker" />
import { notificationFromPush, sameOriginUrl } from './notification-from-push';

declare const self: ServiceWorkerGlobalScope;

/**
 * The web client's service worker, at `/sw.js` so its scope is the whole page. It does one thing:
 * Web Push. On `push` it shows the agent's notification (the payload is decrypted by the browser);
 * a click focuses an open TunnelForge tab and opens the session there, or opens a new tab. It
 * caches nothing and intercepts no request (no `fetch` handler): the page works exactly as without it.
 */

// A new version takes over at once: there is no cached state an old page could depend on.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data: unknown = null;
  try {
    data = event.data?.json() ?? null;
  } catch {
    // not JSON: shown as a generic notification
  }
  const { title, options } = notificationFromPush(data, self.location.origin);
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = sameOriginUrl((event.notification.data as { url?: unknown } | null)?.url, self.location.origin);
  event.waitUntil(openOrFocus(url));
});

async function openOrFocus(url: string): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open === undefined) {
    await self.clients.openWindow(url);
    return;
  }
  await open.focus();
  // The session is a fragment route of the same page: the page switches to it (see notifications-panel.ts).
  open.postMessage({ type: 'tunnelforge.open', url });
}
