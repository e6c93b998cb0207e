import { startTestAgent, type TestAgent } from '../../src/testkit';

// POST /api/sessions is limited per principal (a user, an API token) (createRateLimit): on the real agent over HTTP, the
// creates past the limit are refused with 429 and Retry-After and spawn nothing; another
// credential is not affected; `creates: 0` turns the limit off.

const body = { command: ['sh', '-c', 'sleep 30'], cwd: '/' };

describe('the per-credential session create limit (real agent, real HTTP)', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ config: { plugins: { 'core-sessions': { options: { mode: 'in-process', createRateLimit: { creates: 3, windowMs: 60_000 } } } } } });
  });
  afterAll(() => agent.stop());

  test('the fourth create in the window is refused with 429 and Retry-After, and starts no process', async () => {
    const writer = agent.as('writer');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await writer.post('/api/sessions', body)).status);
    expect(statuses).toEqual([201, 201, 201]);
    const before = (await writer.get('/api/sessions')).json.sessions.length;
    const refused = await writer.post('/api/sessions', body);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('TF_ERR_RATE_LIMITED');
    expect(refused.json.error.message).toMatch(/try again in \d+ s/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await writer.get('/api/sessions')).json.sessions.length).toBe(before);
    // Removing sessions does not give creates back: the limit is on how fast they come.
    for (const session of (await writer.get('/api/sessions')).json.sessions) expect((await writer.delete(`/api/sessions/${session.id}`)).status).toBe(200);
    expect((await writer.post('/api/sessions', body)).status).toBe(429);
  });

  test('another principal (the admin token) has its own allowance', async () => {
    const admin = agent.as('admin');
    const created = await admin.post('/api/sessions', body);
    expect(created.status).toBe(201);
    expect((await admin.delete(`/api/sessions/${created.json.id}`)).status).toBe(200);
  });
});

describe('createRateLimit.creates: 0', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ config: { plugins: { 'core-sessions': { options: { mode: 'in-process', createRateLimit: { creates: 0 } } } } } });
  });
  afterAll(() => agent.stop());

  test('turns the limit off: 40 creates in a row by one credential all succeed', async () => {
    const writer = agent.as('writer');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const created = await writer.post('/api/sessions', body);
      expect(created.status).toBe(201);
      ids.push(created.json.id);
      expect((await writer.delete(`/api/sessions/${created.json.id}`)).status).toBe(200);
    }
    expect(new Set(ids).size).toBe(40);
  });
});
