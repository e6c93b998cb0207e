import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BootError } from '../../src/kernel/kernel';
import { hashPassword } from '../../src/plugins/auth-password/password-hash';
import { jwtClaims, startAuthAgent, type AuthAgent } from './auth-harness';

describe('password login, refresh, logout, me (generated admin password)', () => {
  let agent: AuthAgent;
  beforeAll(async () => {
    agent = await startAuthAgent();
  });
  afterAll(() => agent.stop());

  test('GET /api/auth/config is public and names the active methods', async () => {
    const reply = await agent.call('/api/auth/config');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ methods: ['password', 'token', 'local'], usernameRequired: false });
  });

  test('login without a user name (one user) → the documented shape; the JWT carries jti, sub, role, exp', async () => {
    const reply = await agent.login(agent.adminPassword!);
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toEqual({
      token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      expiresAt: expect.any(String),
      refreshToken: expect.stringMatching(/^tfr_/),
      refreshExpiresAt: expect.any(String),
      user: { id: 'admin', role: 'admin' },
    });
    const claims = jwtClaims(reply.body.token);
    expect(claims).toMatchObject({ sub: 'admin', role: 'admin', iss: 'tunnelforge', aud: 'tunnelforge:access', jti: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect((claims.exp as number) - (claims.iat as number)).toBe(15 * 60);
    expect(new Date(reply.body.expiresAt).getTime()).toBe((claims.exp as number) * 1000);
    const me = await agent.call('/api/auth/me', { token: reply.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: 'admin', role: 'admin', via: 'auth-jwt', expiresAt: reply.body.expiresAt });
  });

  test('with the user name too; wrong password and unknown user get the same 401', async () => {
    expect((await agent.login(agent.adminPassword!, 'admin')).status).toBe(200);
    const wrong = await agent.login('not-the-password', 'admin');
    const unknown = await agent.login(agent.adminPassword!, 'mallory');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'TF_ERR_BAD_CREDENTIALS', message: 'Wrong user name or password' } });
    expect(unknown.body).toEqual(wrong.body);
    const malformed = await agent.call('/api/auth/login', { method: 'POST', body: { user: 'admin' } });
    expect(malformed.status).toBe(400);
  });

  test('an unknown user costs a password check, like a wrong password (similar timing)', async () => {
    const time = async (username: string): Promise<number> => {
      const started = performance.now();
      // A fresh source address each time keeps the throttle out of the measurement.
      const reply = await agent.login('wrong-password', username, `127.0.1.${Math.floor(Math.random() * 250) + 1}`);
      expect(reply.status).toBe(401);
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time('admin'));
      unknown.push(await time(`nobody-${i}`));
    }
    // Both pay for scrypt (tens of ms); a shortcut for unknown users would answer in ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(median(unknown)).toBeLessThan(median(known) * 2);
  });

  test('refresh rotates: new pair, old refresh token used up; reusing it revokes the whole login session', async () => {
    const login = (await agent.login(agent.adminPassword!)).body;
    const first = await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: login.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(login.refreshToken);
    expect(first.body.token).not.toBe(login.token);
    expect(first.body.user).toEqual({ id: 'admin', role: 'admin' });
    expect((await agent.call('/api/auth/me', { token: first.body.token })).status).toBe(200);
    // The old one again: theft is assumed, the family dies (the new tokens too).
    const reused = await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: login.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.error.code).toBe('TF_ERR_TOKEN_REUSED');
    expect((await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: first.body.refreshToken } })).status).toBe(401);
    const me = await agent.call('/api/auth/me', { token: first.body.token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('TF_ERR_TOKEN_REVOKED');
    // Garbage and a guessed secret for a real family are plain 401s.
    expect((await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: 'tfr_x' } })).status).toBe(401);
    expect((await agent.call('/api/auth/refresh', { method: 'POST', body: {} })).status).toBe(400);
  });

  test('logout (viewer and up) → 204; the access token and its refresh token stop working', async () => {
    const login = (await agent.login(agent.adminPassword!)).body;
    expect((await agent.call('/api/auth/logout', { method: 'POST' })).status).toBe(401);
    const out = await agent.call('/api/auth/logout', { method: 'POST', token: login.token });
    expect(out.status).toBe(204);
    const after = await agent.call('/api/sessions', { token: login.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('TF_ERR_TOKEN_REVOKED');
    expect((await agent.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: login.refreshToken } })).status).toBe(401);
    // Logging out with a non-JWT credential (the local token) is a harmless 204.
    expect((await agent.call('/api/auth/logout', { method: 'POST', token: agent.token })).status).toBe(204);
    expect((await agent.call('/api/auth/me', { token: agent.token })).body).toEqual({ id: 'local', role: 'admin', via: 'auth-local' });
  });

  test('state files are private (0600)', () => {
    for (const file of ['jwt-secret', 'auth-state.json', 'admin-password.json', 'initial-admin-password', 'local-token']) {
      expect({ file, mode: statSync(path.join(agent.dataDir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    }
  });
});

describe('revocation survives a restart', () => {
  test('stop the agent, start a new one on the same data dir: revoked stays revoked, the rest stays valid', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-auth-restart-'));
    try {
      const first = await startAuthAgent({}, dataDir);
      const password = first.adminPassword!;
      const kept = (await first.login(password)).body;
      const revoked = (await first.login(password)).body;
      expect((await first.call('/api/auth/logout', { method: 'POST', token: revoked.token })).status).toBe(204);
      await first.stop();

      const second = await startAuthAgent({}, dataDir);
      try {
        expect(second.adminPassword).toBe(password); // not regenerated
        const stillRevoked = await second.call('/api/sessions', { token: revoked.token });
        expect(stillRevoked.status).toBe(401);
        expect(stillRevoked.body.error.code).toBe('TF_ERR_TOKEN_REVOKED');
        expect((await second.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: revoked.refreshToken } })).status).toBe(401);
        expect((await second.call('/api/sessions', { token: kept.token })).status).toBe(200);
        expect((await second.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: kept.refreshToken } })).status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('config changes end stale login sessions at the next start', () => {
  test('a removed user, a changed role and a changed password end those sessions; unchanged users keep theirs', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-auth-users-'));
    const fast = { N: 2 ** 14, r: 8, p: 1 };
    const [alice1, alice2, bob, dave, eve] = await Promise.all(['a1', 'a2', 'b', 'd', 'e'].map((pw) => hashPassword(pw, fast)));
    const users = (list: [string, string, string][]) => ({ plugins: { 'auth-password': { options: { users: list.map(([username, passwordHash, role]) => ({ username, passwordHash, role })) } } } });
    try {
      const first = await startAuthAgent(users([['alice', alice1, 'admin'], ['bob', bob, 'writer'], ['dave', dave, 'viewer'], ['eve', eve, 'viewer']]), dataDir);
      const tokens: Record<string, { token: string; refreshToken: string }> = {};
      for (const [name, pw] of [['alice', 'a1'], ['bob', 'b'], ['dave', 'd'], ['eve', 'e']]) tokens[name] = (await first.login(pw, name)).body;
      await first.stop();
      const second = await startAuthAgent(users([['alice', alice2, 'admin'], ['bob', bob, 'viewer'], ['dave', dave, 'viewer']]), dataDir);
      try {
        const status = async (name: string) => (await second.call('/api/auth/me', { token: tokens[name].token })).status;
        expect({ alice: await status('alice'), bob: await status('bob'), dave: await status('dave'), eve: await status('eve') }).toEqual({ alice: 401, bob: 401, dave: 200, eve: 401 });
        expect((await second.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: tokens.eve.refreshToken } })).status).toBe(401);
        expect((await second.call('/api/auth/refresh', { method: 'POST', body: { refreshToken: tokens.dave.refreshToken } })).status).toBe(200);
        expect(second.tk.logger.entries.some((e) => e.msg.startsWith('ended login sessions') && e.fields.sessions === 3)).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('users from the config and from TUNNELFORGE_PASSWORD', () => {
  test('several users: usernameRequired, roles from the config, no login without a user name', async () => {
    const [alice, bob] = await Promise.all([hashPassword('alice-pw'), hashPassword('bob-pw')]);
    const agent = await startAuthAgent({
      plugins: { 'auth-password': { options: { users: [{ username: 'alice', passwordHash: alice, role: 'admin' }, { username: 'bob', passwordHash: bob, role: 'viewer' }] } } },
    });
    try {
      expect(agent.adminPassword).toBeNull(); // nothing generated
      expect((await agent.call('/api/auth/config')).body).toEqual({ methods: ['password', 'token', 'local'], usernameRequired: true });
      expect((await agent.login('bob-pw')).status).toBe(400);
      const bobLogin = await agent.login('bob-pw', 'bob');
      expect(bobLogin.body.user).toEqual({ id: 'bob', role: 'viewer' });
      expect((await agent.call('/api/sessions', { method: 'POST', body: {}, token: bobLogin.body.token })).status).toBe(403);
      expect((await agent.login('alice-pw', 'bob')).status).toBe(401);
    } finally {
      await agent.stop();
    }
  });

  test('a plain-text password in the config refuses to boot with a clear message', async () => {
    const attempt = startAuthAgent({ plugins: { 'auth-password': { options: { users: [{ username: 'alice', passwordHash: 'hunter2', role: 'admin' }] } } } });
    await expect(attempt).rejects.toThrow(BootError);
    await expect(attempt).rejects.toThrow(/plain-text passwords are not accepted/);
  });

  test('TUNNELFORGE_PASSWORD: one admin; the variable is removed from the environment sessions inherit', async () => {
    process.env.TUNNELFORGE_PASSWORD = 'from-the-environment';
    const agent = await startAuthAgent();
    try {
      expect(process.env.TUNNELFORGE_PASSWORD).toBeUndefined();
      expect(agent.adminPassword).toBeNull();
      expect((await agent.login('from-the-environment')).body.user).toEqual({ id: 'admin', role: 'admin' });
      expect((await agent.login('from-the-environment', 'admin')).status).toBe(200);
    } finally {
      delete process.env.TUNNELFORGE_PASSWORD;
      await agent.stop();
    }
  });
});
