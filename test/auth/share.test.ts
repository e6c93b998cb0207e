import { jwtClaims, startAuthAgent, type AuthAgent } from './auth-harness';

describe('read-only share links', () => {
  let agent: AuthAgent;
  let writer: string;
  let viewer: string;
  let shared: string;
  let other: string;
  beforeAll(async () => {
    agent = await startAuthAgent({ plugins: { 'auth-api': { options: { shareMaxMinutes: 120 } } } });
    const admin = (await agent.login(agent.adminPassword!)).body.token;
    writer = (await agent.call('/api/tokens', { method: 'POST', token: admin, body: { name: 'w', role: 'writer' } })).body.token;
    viewer = (await agent.call('/api/tokens', { method: 'POST', token: admin, body: { name: 'v', role: 'viewer' } })).body.token;
    shared = (await agent.call('/api/sessions', { method: 'POST', token: writer, body: { command: ['cat'], name: 'shared' } })).body.id;
    other = (await agent.call('/api/sessions', { method: 'POST', token: writer, body: { command: ['cat'], name: 'other' } })).body.id;
  });
  afterAll(() => agent.stop());

  test('a writer creates one: token, URL with the token in the fragment, expiry; the token is a viewer JWT for that session', async () => {
    const reply = await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: { expiresInMinutes: 30 }, headers: { origin: agent.url } });
    expect(reply.status).toBe(201);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), token: expect.any(String), url: `${agent.url}/#share=${reply.body.token}`, expiresAt: expect.any(String), sessionId: shared });
    const minutes = (Date.parse(reply.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    expect(jwtClaims(reply.body.token)).toMatchObject({ role: 'viewer', sid: shared, aud: 'tunnelforge:share', jti: reply.body.id });
    const me = await agent.call('/api/auth/me', { token: reply.body.token });
    expect(me.body).toMatchObject({ role: 'viewer', sessionId: shared, id: `share:${reply.body.id}` });
  });

  test('the link sees its session and nothing else of the machine', async () => {
    const { token } = (await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: {} })).body;
    const list = await agent.call('/api/sessions', { token });
    expect((list.body.sessions as { id: string }[]).map((s) => s.id)).toEqual([shared]);
    expect((await agent.call(`/api/sessions/${shared}`, { token })).status).toBe(200);
    expect((await agent.call(`/api/sessions/${shared}/text`, { token })).status).toBe(200);
    for (const route of [`/api/sessions/${other}`, '/api/info', '/api/monitor', '/api/tunnels', '/api/power', '/metrics']) {
      expect({ route, status: (await agent.call(route, { token })).status }).toEqual({ route, status: 403 });
    }
    expect((await agent.call(`/api/sessions/${shared}/input`, { method: 'POST', token, body: { text: 'x' } })).status).toBe(403);
    expect((await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token, body: {} })).status).toBe(403);
    expect((await agent.call('/api/sessions', { method: 'POST', token, body: {} })).status).toBe(403);
  });

  test('DELETE /api/shares/:id revokes it (writer); unknown ids are 404; viewers cannot share or revoke', async () => {
    const share = (await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: {} })).body;
    expect((await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: viewer, body: {} })).status).toBe(403);
    expect((await agent.call(`/api/shares/${share.id}`, { method: 'DELETE', token: viewer })).status).toBe(403);
    expect((await agent.call(`/api/shares/${share.id}`, { method: 'DELETE', token: writer })).status).toBe(204);
    const after = await agent.call('/api/sessions', { token: share.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TF_ERR_TOKEN_REVOKED');
    expect((await agent.call(`/api/shares/${share.id}`, { method: 'DELETE', token: writer })).status).toBe(404);
    expect((await agent.call('/api/shares/nope', { method: 'DELETE', token: writer })).status).toBe(404);
  });

  test('GET /api/shares lists the active links without tokens, filtered by session; revoked ones leave the list', async () => {
    const a = (await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: { expiresInMinutes: 10 } })).body;
    const b = (await agent.call(`/api/sessions/${other}/share`, { method: 'POST', token: writer, body: {} })).body;
    const all = await agent.call('/api/shares', { token: writer });
    expect(all.status).toBe(200);
    expect(all.headers['cache-control']).toBe('no-store');
    const ids = (all.body.shares as { id: string }[]).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id)); // oldest first
    const mine = (all.body.shares as Array<Record<string, unknown>>).find((s) => s.id === a.id);
    expect(mine).toEqual({ id: a.id, sessionId: shared, createdBy: expect.any(String), createdAt: expect.any(String), expiresAt: a.expiresAt });
    expect(JSON.stringify(all.body)).not.toContain(a.token);
    const onlyOther = await agent.call(`/api/shares?sessionId=${other}`, { token: writer });
    expect((onlyOther.body.shares as { sessionId: string }[]).every((s) => s.sessionId === other)).toBe(true);
    expect((onlyOther.body.shares as { id: string }[]).map((s) => s.id)).toContain(b.id);
    expect((await agent.call('/api/shares', { token: viewer })).status).toBe(403);
    expect((await agent.call(`/api/shares/${a.id}`, { method: 'DELETE', token: writer })).status).toBe(204);
    expect(((await agent.call('/api/shares', { token: writer })).body.shares as { id: string }[]).map((s) => s.id)).not.toContain(a.id);
  });

  test('the same requestId twice (a double click) makes one link; another id makes another; a bad id is a 400', async () => {
    const body = { expiresInMinutes: 5, requestId: 'double-click-0001' };
    const [first, second] = await Promise.all([
      agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body }),
      agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body }),
    ]);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const third = await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: { ...body, requestId: 'double-click-0002' } });
    expect(third.body.id).not.toBe(first.body.id);
    const listed = ((await agent.call('/api/shares', { token: writer })).body.shares as { id: string }[]).map((s) => s.id);
    expect(listed.filter((id) => id === first.body.id)).toHaveLength(1);
    expect((await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: { requestId: 'a b' } })).status).toBe(400);
  });

  test('bad requests: unknown session 404, expiry beyond the maximum 400', async () => {
    expect((await agent.call('/api/sessions/nope/share', { method: 'POST', token: writer, body: {} })).status).toBe(404);
    expect((await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: { expiresInMinutes: 121 } })).status).toBe(400);
    expect((await agent.call(`/api/sessions/${shared}/share`, { method: 'POST', token: writer, body: { expiresInMinutes: 0 } })).status).toBe(400);
  });
});
