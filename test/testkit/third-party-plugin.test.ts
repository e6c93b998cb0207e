// A plugin written as a third party would (only 'tunnelforge/plugin' and 'tunnelforge/testkit'):
// a role-checked route, a typed event of its own, and session events with their principal.
import { existsSync } from 'node:fs';
import { defineEvent, definePlugin, HttpRoutes, SessionCreated, type Actor, type Disposable } from 'tunnelforge/plugin';
import { startTestAgent, WsUpgradeRefused, type TestAgent } from 'tunnelforge/testkit';

interface AuditEntry { sessionId: string; by: Actor | null }
const AuditRecorded = defineEvent<AuditEntry>('audit.recorded');

/** A fresh plugin per agent: its state lives in the closure of one activation. */
function auditPlugin() {
  let entries: AuditEntry[] = [];
  let held: Disposable[] = [];
  return definePlugin({
    id: 'audit',
    apiVersion: 1,
    description: 'remembers who created which session',
    requires: [HttpRoutes],
    activate(ctx) {
      entries = [];
      held = [
        ctx.events.subscribe(SessionCreated, (event) => {
          const entry = { sessionId: event.data.id, by: event.data.by };
          entries.push(entry);
          ctx.events.publish(AuditRecorded, entry);
        }),
        ctx.get(HttpRoutes).add({ method: 'GET', path: '/api/audit', access: 'writer', handler: () => ({ json: { entries } }) }),
      ];
    },
    deactivate() {
      for (const item of held.splice(0)) item.dispose();
    },
  });
}

let agent: TestAgent;
beforeEach(async () => {
  agent = await startTestAgent({ plugins: [auditPlugin()] });
});
afterEach(async () => {
  await agent.stop();
});

it('activates next to the built-in plugins and guards its route by role', async () => {
  expect(agent.plugin('audit').state).toBe('active');
  expect((await agent.as('writer').get('/api/audit')).json).toEqual({ entries: [] });
  expect((await agent.as('admin').get('/api/audit')).status).toBe(200);
  expect((await agent.as('viewer').get('/api/audit')).status).toBe(403);
  expect((await agent.anonymous().get('/api/audit')).status).toBe(401);
  expect((await agent.withToken('tft_nope_nope').get('/api/audit')).status).toBe(401);
});

it('sees SessionCreated with the principal behind the request and publishes its own typed event', async () => {
  const created = await agent.as('writer').post('/api/sessions', { command: ['/bin/sh'] });
  expect(created.status).toBe(201);
  const event = await agent.waitForEvent(SessionCreated, (e) => e.data.id === created.json.id);
  expect(event.data.by).toEqual({ id: expect.any(String), role: 'writer', via: 'auth-token' });
  const recorded = await agent.waitForEvent(AuditRecorded);
  expect(recorded).toMatchObject({ source: 'audit', data: { sessionId: created.json.id, by: { role: 'writer' } } });
  expect((await agent.as('writer').get('/api/audit')).json.entries).toEqual([{ sessionId: created.json.id, by: event.data.by }]);
  await expect(agent.waitForEvent(AuditRecorded, (e) => e.data.sessionId === 'none', 100)).rejects.toThrow(/no "audit.recorded" event/);
});

it('drives a real session over the WebSocket: a writer types, a viewer watches and cannot type', async () => {
  const { json: session } = await agent.as('writer').post('/api/sessions', { command: ['/bin/sh'] });
  const writer = await agent.connect({ as: 'writer' });
  expect(writer.protocol).toBe('tunnelforge.v1');
  const attached = await writer.attach(session.id);
  expect(attached).toMatchObject({ protocol: 1, role: 'writer', session: { id: session.id } });
  const viewer = await agent.connect({ as: 'viewer' });
  expect((await viewer.attach(session.id)).role).toBe('viewer');

  writer.input('echo tk-$((6*7))\r');
  await writer.waitForText('tk-42');
  await viewer.waitForText('tk-42');

  const before = viewer.messages.length;
  viewer.input('echo viewer-typed\r');
  expect(await viewer.waitFor((m) => m.type === 'error', 5000, before)).toMatchObject({ type: 'error', code: 'TF_ERR_FORBIDDEN' });
  writer.input('echo after-$((1+1))\r');
  await writer.waitForText('after-2');
  expect(writer.text()).not.toContain('viewer-typed');
  await expect(writer.waitForText('never-printed', 200)).rejects.toThrow(/never contained/);
});

it('refuses WebSocket upgrades without a credential, with a bad one, and from a foreign origin', async () => {
  await expect(agent.connect({ as: 'anonymous' })).rejects.toMatchObject({ status: 401 });
  await expect(agent.connect({ token: 'garbage' })).rejects.toBeInstanceOf(WsUpgradeRefused);
  await expect(agent.connect({ as: 'viewer', origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403 });
  const sameOrigin = await agent.connect({ as: 'viewer', origin: agent.url });
  expect(sameOrigin.closed).toBeNull();
});

it('captures the log lines and is skipped with the reason its detect gives', async () => {
  expect(agent.logs.some((line) => line.level === 'info')).toBe(true);
  const skipped = await startTestAgent({
    plugins: [definePlugin({ id: 'picky', apiVersion: 1, detect: () => 'needs a frobnicator' })],
  });
  try {
    expect(skipped.plugin('picky')).toMatchObject({ state: 'skipped', reason: 'needs a frobnicator' });
    expect(() => skipped.plugin('nope')).toThrow(/no plugin "nope"/);
  } finally {
    await skipped.stop();
  }
  expect(existsSync(skipped.dataDir)).toBe(false);
});
