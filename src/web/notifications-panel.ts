import type { ApiClient } from './api-client';
import { h } from './dom';

/** Events a device can be told about (the notifications plugin's kinds). */
const KINDS = [
  ['bell', 'Bell (the terminal rings)'],
  ['command-finished', 'A command finished'],
  ['idle', 'A session went idle'],
  ['title', 'A session\'s title changed'],
] as const;
type Kind = (typeof KINDS)[number][0];

interface ServerSubscription {
  id: string;
  endpoint: string;
  events: Kind[];
  sessions: 'all' | string[];
}

/** Why this browser cannot receive push notifications, or null when it can. */
export function pushUnsupportedReason(): string | null {
  if (!window.isSecureContext) return 'Notifications need HTTPS (or this machine\'s own address): open the agent through a tunnel.';
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return /iPhone|iPad/.test(navigator.userAgent)
      ? 'On iPhone and iPad, add this page to the home screen (Share → Add to Home Screen) and open it from there.'
      : 'This browser does not support Web Push notifications.';
  }
  return null;
}

/**
 * Registers the service worker (`/sw.js`) that shows pushes, and follows its "open this session"
 * messages (a click on a notification while the page is open). Safe to call on every start: the
 * browser keeps one registration and only fetches the worker again when it changed.
 */
export function registerServiceWorker(): void {
  if (pushUnsupportedReason() !== null) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<{ type?: string; url?: string }>) => {
    if (event.data?.type !== 'tunnelforge.open' || typeof event.data.url !== 'string') return;
    const url = new URL(event.data.url, location.origin);
    if (url.origin === location.origin) location.hash = url.hash;
  });
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn(`service worker not registered: ${(error as Error).message}`));
}

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A name for this device in the list: its platform and browser, roughly. */
function deviceName(): string {
  const ua = navigator.userAgent;
  const os = /iPhone|iPad/.test(ua) ? 'iOS' : /Android/.test(ua) ? 'Android' : /Mac/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'Device';
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'browser';
  return `${browser} on ${os}`;
}

/**
 * "Notifications": turn Web Push on or off for this device and pick which events notify. Enabling
 * asks the browser's permission, subscribes with the agent's VAPID key and registers the
 * subscription with the agent; disabling removes it on both sides.
 */
export async function openNotificationsPanel(api: ApiClient): Promise<HTMLDialogElement> {
  const status = h('p', { class: 'hint notifications-status', role: 'status' });
  const boxes = new Map<Kind, HTMLInputElement>();
  const list = h('fieldset', { class: 'notification-kinds' }, h('legend', null, 'Notify me about'),
    ...KINDS.map(([kind, label]) => {
      const box = h('input', { type: 'checkbox', name: kind, checked: kind === 'bell' || kind === 'command-finished' });
      boxes.set(kind, box);
      return h('label', null, box, ` ${label}`);
    }),
  );
  const enable = h('button', { type: 'button', class: 'primary notifications-enable' }, 'Enable on this device');
  const disable = h('button', { type: 'button', class: 'notifications-disable', hidden: true }, 'Disable on this device');
  const test = h('button', { type: 'button', class: 'notifications-test', hidden: true }, 'Send a test');
  const dialog = h('dialog', { class: 'pairing-dialog notifications-dialog', 'aria-label': 'Notifications' },
    h('h2', null, 'Notifications'),
    list,
    h('p', null, enable, ' ', disable, ' ', test),
    status,
    h('form', { method: 'dialog' }, h('button', { type: 'submit' }, 'Close')),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();

  const say = (text: string) => (status.textContent = text);
  const unsupported = pushUnsupportedReason();
  if (unsupported !== null) {
    say(unsupported);
    enable.disabled = true;
    return dialog;
  }
  const chosen = () => KINDS.map(([kind]) => kind).filter((kind) => boxes.get(kind)!.checked);
  const registration = () => navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready);
  let server: ServerSubscription | undefined;
  const show = () => {
    enable.textContent = server ? 'Save' : 'Enable on this device';
    disable.hidden = server === undefined;
    test.hidden = server === undefined;
  };
  const run = (work: () => Promise<void>) => async () => {
    for (const button of [enable, disable, test]) button.disabled = true;
    try {
      await work();
    } catch (error) {
      say(`Failed: ${(error as Error).message}`);
    } finally {
      for (const button of [enable, disable, test]) button.disabled = false;
      show();
    }
  };

  // Where this device stands: its browser subscription, and the agent's record of it.
  const current = await (await registration()).pushManager.getSubscription();
  if (current !== null) {
    const mine = await api.json<{ subscriptions: ServerSubscription[] }>('GET', '/api/notifications/subscriptions');
    server = mine.subscriptions.find((entry) => entry.endpoint === current.endpoint);
    if (server) for (const [kind, box] of boxes) box.checked = server.events.includes(kind);
  }
  say(server ? 'Notifications are on for this device.' : Notification.permission === 'denied' ? 'Notifications are blocked for this site in the browser\'s settings.' : 'Notifications are off for this device.');
  show();

  enable.addEventListener('click', run(async () => {
    if (server) {
      server = await api.json<ServerSubscription>('PATCH', `/api/notifications/subscriptions/${encodeURIComponent(server.id)}`, { events: chosen() });
      say('Saved.');
      return;
    }
    if ((await Notification.requestPermission()) !== 'granted') throw new Error('the browser did not allow notifications');
    const { publicKey } = await api.json<{ publicKey: string }>('GET', '/api/notifications/vapid-key');
    const push = (await registration()).pushManager;
    const subscription = (await push.getSubscription()) ?? (await push.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(publicKey) }));
    server = await api.json<ServerSubscription>('POST', '/api/notifications/subscriptions', { subscription: subscription.toJSON(), name: deviceName(), events: chosen() });
    say('Notifications are on for this device.');
  }));
  disable.addEventListener('click', run(async () => {
    if (server) await api.json('DELETE', `/api/notifications/subscriptions/${encodeURIComponent(server.id)}`);
    await (await (await registration()).pushManager.getSubscription())?.unsubscribe();
    server = undefined;
    say('Notifications are off for this device.');
  }));
  test.addEventListener('click', run(async () => {
    const { results } = await api.json<{ results: Array<{ id: string; ok: boolean; error: string | null }> }>('POST', '/api/notifications/test', { id: server!.id });
    say(results[0]?.ok ? 'Test sent: it should show in a moment.' : `The push service refused: ${results[0]?.error ?? 'no answer'}`);
  }));
  return dialog;
}
