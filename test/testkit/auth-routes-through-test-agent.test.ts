// The built-in auth-api and sessions routes through the test kit's request helpers, imported the way
// plugin authors import them: roles allowed and refused, with and without (bad) credentials.
import { existsSync } from 'node:fs';
import { startTestAgent, type TestAgent } from 'tunnelforge/testkit';

let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({ plugins: [] });
});
afterAll(async () => {
  await agent?.stop();
});

describe('startTestAgent request helpers against the real auth routes', () => {
  it('lets admin list API tokens and refuses the others: 403 below admin, 401 without or with a bad credential', async () => {
    const admin = await agent.as('admin').get('/api/tokens');
    expect(admin.status).toBe(200);
    expect(admin.json.tokens.map((t: { role: string }) => t.role)).toContain('admin');

    for (const role of ['writer', 'viewer'] as const) {
      const refused = await agent.as(role).get('/api/tokens');
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('TF_ERR_FORBIDDEN');
    }
    const anonymous = await agent.anonymous().get('/api/tokens');
    expect(anonymous.status).toBe(401);
    const garbage = await agent.withToken('garbage').get('/api/tokens');
    expect(garbage.status).toBe(401);
    expect(garbage.json.error.code).toMatch(/^TF_ERR_/);
  });

  it('sends a real credential of the role asked for (/api/auth/me says who the request was)', async () => {
    for (const role of ['viewer', 'writer', 'admin'] as const) {
      const me = await agent.as(role).get('/api/auth/me');
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ role, via: 'auth-token' });
    }
  });

  it('creates a token with POST /api/tokens (admin only) that then works, and revokes it', async () => {
    expect((await agent.as('writer').post('/api/tokens', { name: 'ci', role: 'viewer' })).status).toBe(403);
    const created = await agent.as('admin').post('/api/tokens', { name: 'ci', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toContain('no-store');
    const ci = agent.withToken(created.json.token);
    expect((await ci.get('/api/auth/me')).json).toMatchObject({ role: 'viewer' });
    expect((await ci.get('/api/tokens')).status).toBe(403);

    const bad = await agent.as('admin').post('/api/tokens', { name: '', role: 'root' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('TF_ERR_BAD_REQUEST');

    expect((await agent.as('admin').delete(`/api/tokens/${created.json.id}`)).status).toBe(204);
    expect((await ci.get('/api/auth/me')).status).toBe(401);
  });

  it('hands out WebSocket tickets to any role, never without a credential', async () => {
    const ticket = await agent.as('viewer').post('/api/auth/ws-ticket');
    expect(ticket.status).toBe(200);
    expect(typeof ticket.json.ticket).toBe('string');
    expect((await agent.anonymous().post('/api/auth/ws-ticket')).status).toBe(401);
  });

  it('lets a writer create and share a session; a viewer may look but not create or share', async () => {
    expect((await agent.as('viewer').post('/api/sessions', { command: ['/bin/sh'] })).status).toBe(403);
    const created = await agent.as('writer').post('/api/sessions', { command: ['/bin/sh'], name: 'shared' });
    expect(created.status).toBe(201);
    const id: string = created.json.id;

    const list = await agent.as('viewer').get('/api/sessions');
    expect(list.status).toBe(200);
    expect(list.json.sessions.map((s: { id: string }) => s.id)).toContain(id);
    expect((await agent.anonymous().get('/api/sessions')).status).toBe(401);

    expect((await agent.as('viewer').post(`/api/sessions/${id}/share`, {})).status).toBe(403);
    const share = await agent.as('writer').post(`/api/sessions/${id}/share`, { expiresInMinutes: 5 });
    expect(share.status).toBe(201);
    expect(share.json).toMatchObject({ sessionId: id });
    // A share link sees its own session and nothing else.
    const shared = agent.withToken(share.json.token);
    expect((await shared.get(`/api/sessions/${id}`)).status).toBe(200);
    expect((await shared.get('/api/tokens')).status).toBe(403);
    expect((await agent.as('viewer').delete(`/api/shares/${share.json.id}`)).status).toBe(403);
    expect((await agent.as('writer').delete(`/api/shares/${share.json.id}`)).status).toBe(204);
    expect((await shared.get(`/api/sessions/${id}`)).status).toBe(401);
  });
});

describe('startTestAgent lifecycle', () => {
  it('binds loopback on a free port with a temp data dir, and stop() is idempotent and removes the dir', async () => {
    const other = await startTestAgent({ plugins: [] });
    expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(other.url).not.toBe(agent.url);
    expect(existsSync(other.dataDir)).toBe(true);
    expect((await other.anonymous().get('/api/health')).status).toBe(200);
    await Promise.all([other.stop(), other.stop()]);
    await other.stop();
    expect(existsSync(other.dataDir)).toBe(false);
    await expect(other.anonymous().get('/api/health')).rejects.toThrow();
  });
});
