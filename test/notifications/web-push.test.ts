import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import { SessionActivity, SessionBell, SessionCommandFinished, type SessionInfo } from 'tunnelforge/plugin';
import { startTestAgent, type TestAgent } from 'tunnelforge/testkit';
import { decryptPush, deviceKeys, TestPushService, type DeviceKeys } from './push-service';
import { sessionEventPublisher } from './session-event-publisher';

// Web Push end to end: the real agent with the notifications plugin, a push service on loopback
// that receives the encrypted pushes, and the device's private keys here to decrypt them. Here the
// session state events come from a tiny plugin on the real bus, so each case controls exactly what
// is published; push-from-shell.test.ts has them detected in real shells.

const subscriptionOf = (endpoint: string, keys: DeviceKeys) => ({ endpoint, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Web Push notifications', () => {
  let agent: TestAgent;
  let push: TestPushService;
  let dataDir: string;
  const events = sessionEventPublisher();
  let session: SessionInfo;
  let other: SessionInfo;

  const bell = (info: SessionInfo) => events.bus().publish(SessionBell, { ...info, by: null, count: 1 });
  const finished = (info: SessionInfo, exitCode: number | null, durationMs: number) => {
    const { command: _argv, ...rest } = info;
    events.bus().publish(SessionCommandFinished, { ...rest, by: null, command: { exitCode, durationMs, finishedAt: new Date().toISOString(), source: 'osc133', command: 'make' } });
  };
  const subscribe = async (role: 'viewer' | 'writer' | 'admin', device: string, keys: DeviceKeys, prefs: Record<string, unknown> = {}) => {
    const reply = await agent.as(role).post('/api/notifications/subscriptions', { subscription: subscriptionOf(push.endpoint(device), keys), name: device, ...prefs });
    expect(reply.status).toBe(201);
    return reply.json as { id: string; events: string[]; sessions: unknown };
  };

  beforeAll(async () => {
    push = await TestPushService.start();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-push-'));
    agent = await startTestAgent({
      plugins: [events.plugin],
      config: { dataDir, plugins: { notifications: { options: { allowInsecureEndpoints: true, subject: 'mailto:ops@example.com', backoffMs: 50, requestTimeoutMs: 2000 } } } },
    });
    const writer = agent.as('writer');
    session = (await writer.post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], name: 'build' })).json;
    other = (await writer.post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], name: 'tests' })).json;
  });

  afterAll(async () => {
    await agent?.stop();
    await push?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the VAPID keys are made once, 0600 in the data dir, and the public key is served to subscribers', async () => {
    const file = path.join(dataDir, 'vapid-keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
    const served = await agent.as('viewer').get('/api/notifications/vapid-key');
    expect(served.status).toBe(200);
    expect(served.json).toEqual({ publicKey: keys.publicKey });
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(agent.logs.map((line) => JSON.stringify(line)).join('\n')).not.toContain(keys.privateKey);
    expect((await agent.anonymous().get('/api/notifications/vapid-key')).status).toBe(401);
  });

  test('a bell reaches the device encrypted (aes128gcm, VAPID-signed), and the device decrypts the expected payload', async () => {
    const keys = deviceKeys();
    const sub = await subscribe('viewer', '/push/phone', keys);
    expect(sub).toMatchObject({ events: ['bell', 'command-finished'], sessions: 'all' });
    bell(session);
    const [received] = await push.waitFor('/push/phone');
    expect(received.headers).toMatchObject({ 'content-encoding': 'aes128gcm', 'content-type': 'application/octet-stream', ttl: '3600' });
    // The body is ciphertext: the session's name is nowhere in it.
    expect(received.body.includes(Buffer.from('build'))).toBe(false);
    expect(decryptPush(received.body, keys)).toEqual({
      type: 'session.bell',
      kind: 'bell',
      sessionId: session.id,
      title: 'Bell in build',
      body: 'The session wants your attention',
      url: `/#/session/${session.id}`,
      tag: `${session.id}:bell`,
      time: expect.any(String),
    });
    // VAPID (RFC 8292): a JWT for the push service's origin, signed with the agent's key.
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(String(received.headers.authorization));
    expect(match).not.toBeNull();
    const publicKey = Buffer.from(match![2], 'base64url');
    const jwk = { kty: 'EC', crv: 'P-256', x: publicKey.subarray(1, 33).toString('base64url'), y: publicKey.subarray(33).toString('base64url') };
    const { payload } = await jwtVerify(match![1], await importJWK(jwk, 'ES256'));
    expect(payload).toMatchObject({ aud: push.url, sub: 'mailto:ops@example.com' });
    expect(match![2]).toBe((await agent.as('viewer').get('/api/notifications/vapid-key')).json.publicKey);
    await agent.as('viewer').delete(`/api/notifications/subscriptions/${sub.id}`);
  });

  test('subscriptions are per principal, kept 0600 on disk, and never shown with their keys', async () => {
    const keys = deviceKeys();
    const mine = await subscribe('writer', '/push/laptop', keys);
    expect((await agent.as('writer').get('/api/notifications/subscriptions')).json.subscriptions.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    // Another principal neither sees nor changes it.
    expect((await agent.as('viewer').get('/api/notifications/subscriptions')).json.subscriptions).toEqual([]);
    expect((await agent.as('viewer').delete(`/api/notifications/subscriptions/${mine.id}`)).json.error.code).toBe('TF_ERR_SUBSCRIPTION_NOT_FOUND');
    expect((await agent.as('viewer').patch(`/api/notifications/subscriptions/${mine.id}`, { events: ['bell'] })).status).toBe(404);
    const file = path.join(dataDir, 'push-subscriptions.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { subscriptions: Array<{ id: string; keys: unknown }> };
    expect(stored.subscriptions.find((s) => s.id === mine.id)?.keys).toEqual({ p256dh: keys.p256dh, auth: keys.auth });
    // The owner's view never carries the keys.
    expect(JSON.stringify((await agent.as('writer').get('/api/notifications/subscriptions')).json)).not.toContain(keys.auth);
    expect((await agent.as('writer').delete(`/api/notifications/subscriptions/${mine.id}`)).status).toBe(204);
    expect((await agent.as('writer').get('/api/notifications/subscriptions')).json.subscriptions).toEqual([]);
    // The audit trail has both, with the push service's host but never the endpoint (the device's capability URL).
    let trail: Array<{ action: string; target?: string; details?: Record<string, unknown> }> = [];
    for (let i = 0; i < 100 && !trail.some((e) => e.action === 'notifications.unsubscribe' && e.target === mine.id); i++) {
      trail = (await agent.as('admin').get('/api/logs/audit?limit=200')).json.entries;
      await sleep(20);
    }
    const mineInTrail = trail.filter((e) => e.target === mine.id);
    expect(mineInTrail.map((e) => e.action)).toEqual(['notifications.subscribe', 'notifications.unsubscribe']);
    expect(mineInTrail[0].details).toMatchObject({ pushService: new URL(push.url).host, events: ['bell', 'command-finished'] });
    expect(JSON.stringify(trail)).not.toContain(push.endpoint('/push/laptop'));
  });

  test('bad subscriptions are refused with a clear code, and nothing is stored', async () => {
    const keys = deviceKeys();
    const viewer = agent.as('viewer');
    const post = (subscription: unknown) => viewer.post('/api/notifications/subscriptions', { subscription });
    const cases: Array<[unknown, string]> = [
      [subscriptionOf('http://push.example.com/x', keys), 'TF_ERR_BAD_PUSH_ENDPOINT'], // http off loopback, even with allowInsecureEndpoints
      [subscriptionOf('ftp://127.0.0.1/x', keys), 'TF_ERR_BAD_PUSH_ENDPOINT'],
      [subscriptionOf('not a url', keys), 'TF_ERR_BAD_PUSH_ENDPOINT'],
      [subscriptionOf('https://user:pw@push.example.com/x', keys), 'TF_ERR_BAD_PUSH_ENDPOINT'],
      [{ endpoint: push.endpoint('/push/bad'), keys: { p256dh: keys.p256dh.slice(0, 40), auth: keys.auth } }, 'TF_ERR_BAD_PUSH_KEYS'],
      [{ endpoint: push.endpoint('/push/bad'), keys: { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'), auth: keys.auth } }, 'TF_ERR_BAD_PUSH_KEYS'], // not on the curve
      [{ endpoint: push.endpoint('/push/bad'), keys: { p256dh: keys.p256dh, auth: randomBytes(15).toString('base64url') } }, 'TF_ERR_BAD_PUSH_KEYS'],
      [{ endpoint: push.endpoint('/push/bad'), keys: { p256dh: 'not base64!', auth: keys.auth } }, 'TF_ERR_BAD_PUSH_KEYS'],
      [{ endpoint: push.endpoint('/push/bad') }, 'TF_ERR_BAD_REQUEST'],
    ];
    for (const [subscription, code] of cases) {
      const reply = await post(subscription);
      expect({ subscription, status: reply.status, code: reply.json.error.code }).toEqual({ subscription, status: 400, code });
      expect(reply.json.error.message.length).toBeGreaterThan(10);
    }
    expect((await viewer.post('/api/notifications/subscriptions', { subscription: subscriptionOf(push.endpoint('/push/bad'), keys), events: ['beep'] })).status).toBe(400);
    expect((await viewer.get('/api/notifications/subscriptions')).json.subscriptions).toEqual([]);
  });

  test('preferences filter by event type and by session, and PATCH changes them', async () => {
    const a = deviceKeys();
    const b = deviceKeys();
    const onlyFinished = await subscribe('viewer', '/push/a', a, { events: ['command-finished'] });
    const onlyOtherBells = await subscribe('admin', '/push/b', b, { events: ['bell'], sessions: [other.id] });
    bell(session); // nobody: a does not want bells, b only wants bells of `other`
    finished(other, 1, 2500); // a only
    bell(other); // b only
    events.bus().publish(SessionActivity, { ...session, by: null, active: false } as never); // idle: nobody asked
    const [toA] = await push.waitFor('/push/a');
    const [toB] = await push.waitFor('/push/b');
    await sleep(300);
    expect(push.receivedAt('/push/a')).toHaveLength(1);
    expect(push.receivedAt('/push/b')).toHaveLength(1);
    expect(decryptPush(toA.body, a)).toMatchObject({ type: 'session.command-finished', title: 'Command failed in tests', body: 'make: exit 1 after 2.5 s', url: `/#/session/${other.id}` });
    expect(decryptPush(toB.body, b)).toMatchObject({ type: 'session.bell', sessionId: other.id });

    const patched = await agent.as('viewer').patch(`/api/notifications/subscriptions/${onlyFinished.id}`, { events: ['idle', 'bell', 'idle'], sessions: [session.id] });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ events: ['bell', 'idle'], sessions: [session.id] });
    expect((await agent.as('viewer').patch(`/api/notifications/subscriptions/${onlyFinished.id}`, {})).status).toBe(400);
    finished(session, 0, 100); // no longer wanted
    events.bus().publish(SessionActivity, { ...session, by: null, active: true } as never); // going active never notifies
    events.bus().publish(SessionActivity, { ...session, by: null, active: false } as never);
    const [, idle] = await push.waitFor('/push/a', 2);
    expect(decryptPush(idle.body, a)).toMatchObject({ type: 'session.activity', kind: 'idle', title: 'build is idle' });
    await sleep(200);
    expect(push.receivedAt('/push/a')).toHaveLength(2);
    await agent.as('viewer').delete(`/api/notifications/subscriptions/${onlyFinished.id}`);
    await agent.as('admin').delete(`/api/notifications/subscriptions/${onlyOtherBells.id}`);
  });

  test('a subscription the push service calls gone (410, 404) is pruned, in memory and on disk', async () => {
    push.answer('/push/gone', { status: 410 });
    push.answer('/push/missing', { status: 404 });
    const gone = await subscribe('viewer', '/push/gone', deviceKeys());
    const missing = await subscribe('viewer', '/push/missing', deviceKeys());
    const before = (await agent.as('viewer').get('/api/notifications/subscriptions')).json.delivery.pruned as number;
    bell(session);
    await push.waitFor('/push/gone');
    await push.waitFor('/push/missing');
    for (let i = 0; i < 100 && (await agent.as('viewer').get('/api/notifications/subscriptions')).json.subscriptions.length > 0; i++) await sleep(20);
    const list = (await agent.as('viewer').get('/api/notifications/subscriptions')).json;
    expect(list.subscriptions).toEqual([]);
    expect(list.delivery.pruned).toBe(before + 2);
    // The file is rewritten right after (atomically, off the request path).
    const onDiskIds = () => JSON.parse(readFileSync(path.join(dataDir, 'push-subscriptions.json'), 'utf8')).subscriptions.map((s: { id: string }) => s.id) as string[];
    for (let i = 0; i < 100 && onDiskIds().some((id) => id === gone.id || id === missing.id); i++) await sleep(20);
    const onDisk = onDiskIds();
    expect(onDisk).not.toContain(gone.id);
    expect(onDisk).not.toContain(missing.id);
    bell(session);
    await sleep(200);
    expect(push.receivedAt('/push/gone')).toHaveLength(1); // never tried again
  });

  test('429 and 5xx are retried with backoff (Retry-After honoured), then delivered', async () => {
    push.answer('/push/flaky', { status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 201 });
    const keys = deviceKeys();
    const sub = await subscribe('viewer', '/push/flaky', keys);
    bell(session);
    const tries = await push.waitFor('/push/flaky', 3);
    expect(tries).toHaveLength(3);
    expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(45); // backoffMs 50, then doubled
    expect(decryptPush(tries[2].body, keys)).toMatchObject({ type: 'session.bell' });
    await sleep(100);
    expect(push.receivedAt('/push/flaky')).toHaveLength(3);
    const mine = (await agent.as('viewer').get('/api/notifications/subscriptions')).json.subscriptions.find((s: { id: string }) => s.id === sub.id);
    expect(mine.lastSuccessAt).toEqual(expect.any(String));
    await agent.as('viewer').delete(`/api/notifications/subscriptions/${sub.id}`);
  });

  test('POST /api/notifications/test sends to each of the caller\'s devices and reports per subscription', async () => {
    push.answer('/push/dead', { status: 410 });
    const keys = deviceKeys();
    const ok = await subscribe('writer', '/push/test-ok', keys);
    const dead = await subscribe('writer', '/push/dead', deviceKeys());
    const reply = await agent.as('writer').post('/api/notifications/test', {});
    expect(reply.status).toBe(200);
    const results = (reply.json.results as Array<{ id: string }>).sort((x, y) => (x.id === ok.id ? -1 : y.id === ok.id ? 1 : 0));
    expect(results).toEqual([
      { id: ok.id, name: '/push/test-ok', ok: true, status: 201, error: null, pruned: false },
      { id: dead.id, name: '/push/dead', ok: false, status: 410, error: expect.stringContaining('gone'), pruned: true },
    ]);
    const [received] = push.receivedAt('/push/test-ok');
    expect(decryptPush(received.body, keys)).toMatchObject({ type: 'test', title: 'TunnelForge', url: '/' });
    expect(received.headers.urgency).toBe('high');
    expect((await agent.as('writer').get('/api/notifications/subscriptions')).json.subscriptions.map((s: { id: string }) => s.id)).toEqual([ok.id]);
    expect((await agent.as('writer').post('/api/notifications/test', { id: 'nope' })).json.error.code).toBe('TF_ERR_SUBSCRIPTION_NOT_FOUND');
    expect((await agent.as('viewer').post('/api/notifications/test', {})).json).toEqual({ results: [] }); // the viewer has none
    await agent.as('writer').delete(`/api/notifications/subscriptions/${ok.id}`);
  });

  test('share links cannot subscribe; revoking the credential that subscribed removes its subscriptions', async () => {
    const share = (await agent.as('writer').post(`/api/sessions/${session.id}/share`, {})).json;
    const refused = await agent.withToken(share.token).post('/api/notifications/subscriptions', { subscription: subscriptionOf(push.endpoint('/push/share'), deviceKeys()) });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('TF_ERR_FORBIDDEN');
    expect((await agent.withToken(share.token).get('/api/notifications/vapid-key')).status).toBe(403);

    const phone = (await agent.as('admin').post('/api/tokens', { name: 'phone', role: 'viewer' })).json;
    const sub = await agent.withToken(phone.token).post('/api/notifications/subscriptions', { subscription: subscriptionOf(push.endpoint('/push/lost-phone'), deviceKeys()) });
    expect(sub.status).toBe(201);
    expect((await agent.as('admin').delete(`/api/tokens/${phone.id}`)).status).toBe(204);
    for (let i = 0; i < 100 && readFileSync(path.join(dataDir, 'push-subscriptions.json'), 'utf8').includes(sub.json.id); i++) await sleep(20);
    expect(readFileSync(path.join(dataDir, 'push-subscriptions.json'), 'utf8')).not.toContain(sub.json.id);
    bell(session);
    await sleep(200);
    expect(push.receivedAt('/push/lost-phone')).toHaveLength(0);
  });
});

describe('a restart', () => {
  test('keeps the VAPID keys and the subscriptions (a browser binds its subscription to the key)', async () => {
    const push = await TestPushService.start();
    const events = sessionEventPublisher();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-push-restart-'));
    const config = { dataDir, plugins: { notifications: { options: { allowInsecureEndpoints: true } } } };
    let agent = await startTestAgent({ plugins: [events.plugin], config });
    try {
      const keys = deviceKeys();
      const first = (await agent.as('admin').get('/api/notifications/vapid-key')).json.publicKey;
      const sub = (await agent.as('admin').post('/api/notifications/subscriptions', { subscription: subscriptionOf(push.endpoint('/push/kept'), keys) })).json;
      const adminToken = await agent.token('admin');
      await agent.stop();
      agent = await startTestAgent({ plugins: [events.plugin], config });
      expect((await agent.withToken(adminToken).get('/api/notifications/vapid-key')).json.publicKey).toBe(first);
      expect((await agent.withToken(adminToken).get('/api/notifications/subscriptions')).json.subscriptions.map((s: { id: string }) => s.id)).toEqual([sub.id]);
      const info = (await agent.as('writer').post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], name: 'after' })).json as SessionInfo;
      events.bus().publish(SessionBell, { ...info, by: null, count: 3 });
      const [received] = await push.waitFor('/push/kept');
      expect(decryptPush(received.body, keys)).toMatchObject({ title: 'Bell in after', body: '3 bells' });
    } finally {
      await agent.stop();
      await push.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a push service that hangs or is down', () => {
  test('never blocks the agent: publishing stays cheap, the API answers, the queue stays bounded and drops the oldest', async () => {
    const push = await TestPushService.start();
    const events = sessionEventPublisher();
    const agent = await startTestAgent({
      plugins: [events.plugin],
      config: { plugins: { notifications: { options: { allowInsecureEndpoints: true, maxQueue: 8, concurrency: 2, requestTimeoutMs: 300, maxRetries: 1, backoffMs: 50 } } } },
    });
    try {
      push.answer('/push/hung', 'hang');
      const info = (await agent.as('writer').post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], name: 'busy' })).json as SessionInfo;
      const reply = await agent.as('viewer').post('/api/notifications/subscriptions', { subscription: subscriptionOf(push.endpoint('/push/hung'), deviceKeys()), events: ['bell'] });
      expect(reply.status).toBe(201);
      for (let i = 0; i < 200; i++) events.bus().publish(SessionBell, { ...info, by: null, count: 1 });
      const stats = async () => (await agent.as('viewer').get('/api/notifications/subscriptions')).json.delivery as Record<string, number>;
      const during = await stats();
      expect(during.queued).toBeLessThanOrEqual(8);
      expect(during.inFlight).toBeLessThanOrEqual(2);
      expect(during.dropped).toBeGreaterThanOrEqual(200 - 8 - 2);
      // The agent answers while both senders hang on the push service.
      const started = Date.now();
      expect((await agent.as('viewer').get('/api/sessions')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
      // Each hung request is cut at requestTimeoutMs and retried once: the queue drains by itself.
      for (let i = 0; i < 200 && ((await stats()).queued > 0 || (await stats()).inFlight > 0); i++) await sleep(50);
      const after = await stats();
      expect(after).toMatchObject({ queued: 0, inFlight: 0, delivered: 0 });
      expect(after.failed + after.dropped).toBe(200);
      expect(push.receivedAt('/push/hung').length).toBeLessThanOrEqual(2 * (8 + 2));
      expect(agent.logs.some((line) => line.msg === 'push queue full: oldest pushes dropped')).toBe(true);
      // One warning for the failing subscription, not one per lost push.
      expect(agent.logs.filter((line) => line.msg.startsWith('push not delivered'))).toHaveLength(1);
    } finally {
      await agent.stop();
      await push.stop();
    }
  }, 30_000);
});
