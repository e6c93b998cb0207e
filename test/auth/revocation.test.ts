import * as http from 'node:http';
import WebSocket from 'ws';
import { ApiTokenFile } from '../../src/plugins/auth-token/api-token-file';
import { startAuthAgent, upgrade, type AuthAgent } from './auth-harness';

/** An open `GET /api/events` stream (real HTTP); `ended` resolves with the time the server ended it. */
interface OpenStream {
  ended: Promise<number>;
  destroy(): void;
}

function openEventStream(url: string, token: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/events`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
      const ended = new Promise<number>((done) => {
        res.on('end', () => done(Date.now()));
        res.on('close', () => done(Date.now()));
        res.on('error', () => done(Date.now()));
      });
      res.resume();
      // The first bytes (": connected") say the stream is open.
      res.once('data', () => resolve({ ended, destroy: () => req.destroy() }));
    });
    req.on('error', reject);
  });
}

/** A WebSocket opened with a bearer token (subprotocol form, as a desktop client may) or a ticket. */
async function openSocket(agent: AuthAgent, credential: { token?: string; ticket?: string }): Promise<{ socket: WebSocket; closed: Promise<{ at: number; code: number }> }> {
  const protocols = ['tunnelforge.v1', credential.ticket !== undefined ? `tunnelforge.ticket.${credential.ticket}` : `tunnelforge.bearer.${credential.token}`];
  const result = await upgrade(agent.wsUrl, { protocols });
  if (result.kind !== 'open') throw new Error(`upgrade refused: ${result.status} ${result.code}`);
  const closed = new Promise<{ at: number; code: number }>((resolve) => result.socket.once('close', (code) => resolve({ at: Date.now(), code })));
  return { socket: result.socket, closed };
}

const within = async <T extends number | { at: number }>(what: Promise<T>, since: number, ms: number): Promise<number> => {
  const value = await Promise.race([what, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms + 500))]);
  if (value === null) throw new Error(`not closed within ${ms + 500} ms`);
  const at = typeof value === 'number' ? value : value.at;
  return at - since;
};

describe('revocation reaches open connections', () => {
  let agent: AuthAgent;
  beforeAll(async () => {
    agent = await startAuthAgent();
  });
  afterAll(() => agent.stop());

  const admin = () => agent.token; // the local token: admin

  test('revoking an API token (DELETE /api/tokens/:id) closes its WebSocket and event stream within 1 s; others stay open', async () => {
    const created = await agent.call('/api/tokens', { method: 'POST', token: admin(), body: { name: 'phone', role: 'viewer' } });
    expect(created.status).toBe(201);
    const other = await agent.call('/api/tokens', { method: 'POST', token: admin(), body: { name: 'laptop', role: 'viewer' } });
    const ws = await openSocket(agent, { token: created.body.token });
    const sse = await openEventStream(agent.url, created.body.token);
    const bystander = await openSocket(agent, { token: other.body.token });
    const bystanderSse = await openEventStream(agent.url, other.body.token);

    const revokedAt = Date.now();
    expect((await agent.call(`/api/tokens/${created.body.id}`, { method: 'DELETE', token: admin() })).status).toBe(204);
    expect(await within(ws.closed, revokedAt, 1000)).toBeLessThanOrEqual(1000);
    expect(await within(sse.ended, revokedAt, 1000)).toBeLessThanOrEqual(1000);
    expect((await ws.closed).code).toBe(1008);

    // The other token's connections are untouched, and the revoked token opens nothing new.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bystander.socket.readyState).toBe(WebSocket.OPEN);
    const refused = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.bearer.${created.body.token}`] });
    expect(refused).toMatchObject({ kind: 'refused', status: 401 });
    bystander.socket.close();
    bystanderSse.destroy();
  });

  test('a token revoked from the CLI (another process writing the token file) closes its connections within 1 s', async () => {
    const store = new ApiTokenFile(agent.dataDir);
    const created = await store.create({ name: 'script', role: 'writer', expiresAt: null });
    // A token made by another process is picked up when the agent sees the file change: wait for that.
    for (let i = 0; i < 100 && (await agent.call('/api/auth/me', { token: created.token })).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    const ws = await openSocket(agent, { token: created.token });
    const sse = await openEventStream(agent.url, created.token);
    const revokedAt = Date.now();
    expect(await store.revoke(created.info.id)).toBe(true); // what `tunnelforge token revoke` does
    expect(await within(ws.closed, revokedAt, 1000)).toBeLessThanOrEqual(1000);
    expect(await within(sse.ended, revokedAt, 1000)).toBeLessThanOrEqual(1000);
  });

  test('revoking a share link closes the WebSocket and event stream opened with it within 1 s', async () => {
    const session = await agent.call('/api/sessions', { method: 'POST', token: admin(), body: { command: ['/bin/sh'] } });
    expect(session.status).toBe(201);
    const share = await agent.call(`/api/sessions/${session.body.id}/share`, { method: 'POST', token: admin(), body: {} });
    expect(share.status).toBe(201);
    const ws = await openSocket(agent, { token: share.body.token });
    const sse = await openEventStream(agent.url, share.body.token);
    const revokedAt = Date.now();
    expect((await agent.call(`/api/shares/${share.body.id}`, { method: 'DELETE', token: admin() })).status).toBe(204);
    expect(await within(ws.closed, revokedAt, 1000)).toBeLessThanOrEqual(1000);
    expect(await within(sse.ended, revokedAt, 1000)).toBeLessThanOrEqual(1000);
    await agent.call(`/api/sessions/${session.body.id}`, { method: 'DELETE', token: admin() });
  });

  test('logging out closes the login session\'s event stream and the WebSocket opened with its ticket; an unused ticket dies too', async () => {
    const login = await agent.login(agent.adminPassword!);
    expect(login.status).toBe(200);
    const access = login.body.token as string;
    const ticket = await agent.call('/api/auth/ws-ticket', { method: 'POST', token: access });
    const spare = await agent.call('/api/auth/ws-ticket', { method: 'POST', token: access });
    const ws = await openSocket(agent, { ticket: ticket.body.ticket });
    const sse = await openEventStream(agent.url, access);
    const other = (await agent.login(agent.adminPassword!)).body.token as string; // a second login of the same user
    const otherSse = await openEventStream(agent.url, other);

    const loggedOutAt = Date.now();
    expect((await agent.call('/api/auth/logout', { method: 'POST', token: access })).status).toBe(204);
    expect(await within(ws.closed, loggedOutAt, 1000)).toBeLessThanOrEqual(1000);
    expect(await within(sse.ended, loggedOutAt, 1000)).toBeLessThanOrEqual(1000);
    const late = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${spare.body.ticket}`] });
    expect(late).toMatchObject({ kind: 'refused', status: 401 });
    // The other login of the same user goes on.
    const stillOpen = await Promise.race([otherSse.ended.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300))]);
    expect(stillOpen).toBe(true);
    otherSse.destroy();
  });

  test('auth.revoked events reach admins on /api/events, never viewers', async () => {
    const viewer = await agent.call('/api/tokens', { method: 'POST', token: admin(), body: { name: 'watcher', role: 'viewer' } });
    const victim = await agent.call('/api/tokens', { method: 'POST', token: admin(), body: { name: 'victim', role: 'viewer' } });
    const seen = { admin: '', viewer: '' };
    const listen = (token: string, key: 'admin' | 'viewer') =>
      new Promise<http.ClientRequest>((resolve) => {
        const req = http.get(`${agent.url}/api/events`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (seen[key] += chunk));
          resolve(req);
        });
      });
    const requests = [await listen(admin(), 'admin'), await listen(viewer.body.token, 'viewer')];
    await new Promise((resolve) => setTimeout(resolve, 100));
    await agent.call(`/api/tokens/${victim.body.id}`, { method: 'DELETE', token: admin() });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.admin).toContain('event: auth.revoked');
    expect(seen.admin).toContain(`token:${victim.body.id}`);
    expect(seen.viewer).not.toContain('auth.revoked');
    for (const req of requests) req.destroy();
  });
});
