import webpush from 'web-push';
import { VapidAuthorization } from '../../src/plugins/notifications/vapid-authorization';
import { createECDH, randomBytes } from 'node:crypto';
import { checkPushEndpoint, checkPushKeys } from '../../src/plugins/notifications/check-push-subscription';
import { finishedCommandOf, kindOf, notificationPayload } from '../../src/plugins/notifications/notification-payload';

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
};

describe('push endpoint and key checks', () => {
  test('https only; plain http only on loopback and only when allowed', () => {
    expect(codeOf(() => checkPushEndpoint('https://fcm.googleapis.com/fcm/send/abc', false))).toBeNull();
    expect(codeOf(() => checkPushEndpoint('http://127.0.0.1:9/push', false))).toBe('TF_ERR_BAD_PUSH_ENDPOINT');
    expect(codeOf(() => checkPushEndpoint('http://127.0.0.1:9/push', true))).toBeNull();
    expect(codeOf(() => checkPushEndpoint('http://[::1]:9/push', true))).toBeNull();
    expect(codeOf(() => checkPushEndpoint('http://10.0.0.1/push', true))).toBe('TF_ERR_BAD_PUSH_ENDPOINT');
    expect(codeOf(() => checkPushEndpoint('https://push.example.com/x#frag', false))).toBe('TF_ERR_BAD_PUSH_ENDPOINT');
    expect(codeOf(() => checkPushEndpoint('javascript:alert(1)', true))).toBe('TF_ERR_BAD_PUSH_ENDPOINT');
  });

  test('p256dh must be a P-256 point, auth 16 bytes', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const good = { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
    expect(codeOf(() => checkPushKeys(good))).toBeNull();
    expect(codeOf(() => checkPushKeys({ ...good, p256dh: ecdh.getPublicKey(undefined, 'compressed').toString('base64url') }))).toBe('TF_ERR_BAD_PUSH_KEYS');
    expect(codeOf(() => checkPushKeys({ ...good, auth: randomBytes(32).toString('base64url') }))).toBe('TF_ERR_BAD_PUSH_KEYS');
  });
});

describe('notification payloads', () => {
  const info = { id: 's1', name: 'deploy\u001b[31m', by: null } as never;
  const event = (type: string, data: object) => ({ id: 1, type, time: '2026-01-01T00:00:00.000Z', source: 'x', data: { ...(info as object), ...data } });

  test('the finished command is the event\'s `command`; an argv or anything else there is not one', () => {
    const finished = { exitCode: 1, durationMs: 2000, finishedAt: '', source: 'foreground' };
    expect(finishedCommandOf({ command: finished })).toBe(finished);
    expect(finishedCommandOf({ command: ['bash'] })).toBeUndefined();
    expect(finishedCommandOf({ command: { exitCode: 1 } })).toBeUndefined();
    expect(finishedCommandOf({})).toBeUndefined();
  });

  test('idle only when going idle; other events are not notifications', () => {
    expect(kindOf(event('session.activity', { active: false }))).toBe('idle');
    expect(kindOf(event('session.activity', { active: true }))).toBeNull();
    expect(kindOf(event('session.created', {}))).toBeNull();
  });

  test('names are cleaned of control characters; minimal payloads carry no name, command or title', () => {
    const full = notificationPayload(event('session.title', { title: 'secret-host: ~/work' }), 'title', 'full');
    expect(full).toMatchObject({ title: 'New title in deploy [31m', body: 'secret-host: ~/work', url: '/#/session/s1' });
    const minimal = notificationPayload(event('session.command-finished', { command: { exitCode: 2, durationMs: 61_000, finishedAt: '', source: 'osc133', command: 'rm' } }), 'command-finished', 'minimal');
    expect(minimal).toMatchObject({ title: 'Command failed in a session', body: 'A command failed', sessionId: 's1' });
    expect(JSON.stringify(minimal)).not.toMatch(/deploy|rm:/);
  });
});

describe('VAPID authorization', () => {
  test('one signed token per push service origin, reused until an hour before it expires (12 h), then renewed', () => {
    let now = Math.floor(Date.now() / 1000); // web-push checks `exp` against the real time
    const auth = new VapidAuthorization(webpush.generateVAPIDKeys(), 'mailto:ops@example.com', () => now);
    const first = auth.forEndpoint('https://fcm.googleapis.com/fcm/send/a');
    expect(first).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]{87}$/);
    const claims = JSON.parse(Buffer.from(first.split(' ')[1].slice(2).split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toEqual({ aud: 'https://fcm.googleapis.com', exp: now + 12 * 3600, sub: 'mailto:ops@example.com' });
    expect(auth.forEndpoint('https://fcm.googleapis.com/fcm/send/b')).toBe(first);
    expect(auth.forEndpoint('https://updates.push.services.mozilla.com/wpush/v2/x')).not.toBe(first);
    now += 11 * 3600 - 1;
    expect(auth.forEndpoint('https://fcm.googleapis.com/fcm/send/a')).toBe(first);
    now += 1;
    expect(auth.forEndpoint('https://fcm.googleapis.com/fcm/send/a')).not.toBe(first);
  });
});
