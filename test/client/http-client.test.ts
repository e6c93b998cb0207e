import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bearerToken, createApiClient, defaultDataDir, localToken, LoginSession, readLocalToken, TunnelForgeClient, TunnelForgeError, type IssuedSession } from '@tunnelforge/client/node';
import type { TestAgent } from '../../src/testkit';
import { PASSWORD, startClientTestAgent } from './client-test-agent';

/** The rejection of `promise`, which must be a TunnelForgeError. */
async function refusal(promise: Promise<unknown>): Promise<TunnelForgeError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  if (!(error instanceof TunnelForgeError)) throw new Error(`expected a TunnelForgeError, got ${String(error)}`);
  return error;
}

describe('the typed HTTP client and its auth helpers, against a real agent', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    // Access tokens live 5 s, less than the 60 s a LoginSession refreshes ahead: every use refreshes.
    agent = await startClientTestAgent({ accessTokenTtlSeconds: 5 });
  });
  afterAll(() => agent.stop());

  it('calls routes with types from the OpenAPI document, and turns every error answer into a TunnelForgeError', async () => {
    const client = new TunnelForgeClient({ baseUrl: agent.url, credentials: bearerToken(await agent.token('writer')) });
    const created = await client.sessions.create({ command: ['cat'], name: 'typed', cols: 90, rows: 20 });
    expect(created).toMatchObject({ name: 'typed', cols: 90, rows: 20, state: 'running' });
    expect((await client.sessions.list()).map((s) => s.id)).toContain(created.id);
    await client.sessions.input(created.id, { text: 'on-the-screen\r' });
    const { data } = await client.api.GET('/api/sessions/{id}', { params: { path: { id: created.id } } });
    expect(data!.id).toBe(created.id);

    const missing = await refusal(client.sessions.get('no-such-session'));
    expect(missing).toMatchObject({ code: 'TF_ERR_SESSION_NOT_FOUND', status: 404, name: 'TunnelForgeError' });
    expect(missing.message).toContain('no-such-session');
    expect(await refusal(client.sessions.resize(created.id, 0, 24))).toMatchObject({ code: 'TF_ERR_BAD_SIZE', status: 400 });
    const invalid = await refusal(client.sessions.rename(created.id, '   '));
    expect(invalid).toMatchObject({ code: 'TF_ERR_BAD_REQUEST', status: 400, details: [expect.objectContaining({ path: 'body.name' })] });
    const forbidden = await refusal(client.api.GET('/api/plugins'));
    expect(forbidden).toMatchObject({ code: 'TF_ERR_FORBIDDEN', status: 403 });
    const nobody = await refusal(new TunnelForgeClient({ baseUrl: agent.url, credentials: bearerToken('tft_garbage') }).me());
    expect(nobody.status).toBe(401);
    expect(nobody.code).toMatch(/^TF_ERR_/);
    await client.sessions.kill(created.id);
  });

  it('reads the screen as text', async () => {
    const client = new TunnelForgeClient({ baseUrl: agent.url, credentials: bearerToken(await agent.token('writer')) });
    const session = await client.sessions.create({ command: ['sh', '-c', 'echo screen-line-$((6*7)); sleep 30'] });
    let text = '';
    for (let i = 0; i < 100 && !text.includes('screen-line-42'); i++) {
      text = await client.sessions.text(session.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(text.split('\n')[0]).toBe('screen-line-42');
    await client.sessions.kill(session.id);
  });

  it('logs in with a password (a wrong one is a TunnelForgeError) and logs out', async () => {
    expect(await new TunnelForgeClient({ baseUrl: agent.url }).authConfig()).toEqual({ methods: ['password', 'token', 'local'], usernameRequired: false });
    const client = await TunnelForgeClient.login({ baseUrl: agent.url, username: 'ann', password: PASSWORD });
    expect(client.credentials.state).toBe('logged-in');
    expect(await client.me()).toMatchObject({ id: 'ann', role: 'writer', via: 'auth-jwt' });
    expect(await refusal(LoginSession.login(agent.url, { username: 'ann', password: 'wrong' }))).toMatchObject({ code: 'TF_ERR_BAD_CREDENTIALS', status: 401 });
    await client.logout();
    expect(client.credentials.state).toBe('logged-out');
  });

  it('refreshes the access token before it expires, and once after a 401', async () => {
    const login = await LoginSession.login(agent.url, { username: 'ann', password: PASSWORD });
    const fresh = login.issued!;
    const count = (session: LoginSession) => {
      const refreshed: IssuedSession[] = [];
      session.on('refreshed', (issued) => refreshed.push(issued));
      return refreshed;
    };
    const loginRefreshes = count(login);
    expect((await createApiClient({ baseUrl: agent.url, credentials: login }).GET('/api/auth/me')).data).toMatchObject({ id: 'ann' });
    expect(loginRefreshes).toHaveLength(0); // 5 s left: not yet due (half the lifetime, at most 60 s ahead)

    // 3 s later (a clock moved ahead): due, so refreshed before the request, once.
    let ahead = 0;
    const later = new LoginSession(agent.url, fresh, { now: () => Date.now() + ahead });
    const laterRefreshes = count(later);
    ahead = 3_000;
    const api = createApiClient({ baseUrl: agent.url, credentials: later });
    expect((await api.GET('/api/auth/me')).data).toMatchObject({ id: 'ann' });
    expect((await api.GET('/api/auth/me')).data).toMatchObject({ id: 'ann' });
    expect(laterRefreshes).toHaveLength(1);
    expect(later.issued!.refreshToken).not.toBe(fresh.refreshToken);

    // An access token the agent refuses (here: garbage) with a good refresh token: one refresh, one retry.
    const stale = new LoginSession(agent.url, { ...later.issued!, token: 'not-a-jwt', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const staleRefreshes = count(stale);
    expect((await createApiClient({ baseUrl: agent.url, credentials: stale }).GET('/api/auth/me')).data).toMatchObject({ id: 'ann' });
    expect(staleRefreshes).toHaveLength(1);
  });

  it('logs out cleanly when the agent refuses the refresh token: state, event, and the call fails with 401', async () => {
    const session = await LoginSession.login(agent.url, { username: 'ann', password: PASSWORD });
    // The same login used elsewhere and logged out there: the agent ends the login session.
    await new LoginSession(agent.url, session.issued!).logout();
    const events: Array<TunnelForgeError | null> = [];
    const states: string[] = [];
    session.on('logged-out', (reason) => events.push(reason));
    session.on('state', (state) => states.push(state));
    const client = new TunnelForgeClient({ baseUrl: agent.url, credentials: session });
    const error = await refusal(client.me());
    expect(error.status).toBe(401);
    expect(session.state).toBe('logged-out');
    expect(states).toEqual(['logged-out']);
    expect(events).toHaveLength(1);
    expect(events[0]).toBeInstanceOf(TunnelForgeError);
    expect(events[0]!.status).toBe(401);
    expect(await session.token()).toBeNull();
    await expect(client.webSocketAuth('x')).rejects.toMatchObject({ status: 401 }); // no ticket for a logged-out client either
  });

  it('reads the local token file from the data dir (admin, for clients on the same machine)', async () => {
    const client = new TunnelForgeClient({ baseUrl: agent.url, credentials: await localToken({ dataDir: agent.dataDir }) });
    expect(await client.me()).toMatchObject({ id: 'local', role: 'admin', via: 'auth-local' });
    expect(await readLocalToken({ dataDir: agent.dataDir })).toMatch(/^tfl_/);
    const empty = mkdtempSync(path.join(os.tmpdir(), 'tf-no-agent-'));
    try {
      await expect(readLocalToken({ dataDir: empty })).rejects.toThrow(`no local token at ${path.join(empty, 'local-token')}`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const saved = process.env.TUNNELFORGE_DATA_DIR;
    try {
      process.env.TUNNELFORGE_DATA_DIR = agent.dataDir;
      expect(defaultDataDir()).toBe(agent.dataDir);
      expect(await readLocalToken()).toBe(await readLocalToken({ dataDir: agent.dataDir }));
      delete process.env.TUNNELFORGE_DATA_DIR;
      expect(defaultDataDir()).toBe(path.join(os.homedir(), '.tunnelforge'));
    } finally {
      if (saved === undefined) delete process.env.TUNNELFORGE_DATA_DIR;
      else process.env.TUNNELFORGE_DATA_DIR = saved;
    }
  });
});
