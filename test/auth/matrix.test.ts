import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProtocolCodec } from '@tunnelforge/client';
import type { RouteInfo } from '../../src/plugin-api';
import { sessionScopeAllows } from '../../src/plugins/shared/session-scope-allows';
import { Frames, mintJwt, startAuthAgent, upgrade, type AuthAgent, type Reply } from './auth-harness';

/** The only routes anyone may call without credentials (besides the web page's static files). */
// GET /api/files/fetch: its single-use ticket is the credential (test/files/download-links.test.ts).
const PUBLIC = new Set(['GET /api/health', 'GET /api/openapi.json', 'GET /api/auth/config', 'POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/pairing/claim', 'GET /api/files/fetch']);
const RANK = { viewer: 1, writer: 2, admin: 3 } as const;

interface Credentials {
  admin: string;
  writer: string;
  viewer: string;
  share: string;
  revoked: string;
  expired: string;
  forged: string;
  unsigned: string;
}

describe('the auth matrix over every route and the WebSocket upgrade', () => {
  let agent: AuthAgent;
  let creds: Credentials;
  let markers: string;
  let victim: string;
  let victimBytes: number;
  let observer: string;
  let writerTokenId: string;
  let shareId: string;
  let goodClient: Frames;

  const marker = (name: string) => path.join(markers, name);
  const sessionInfo = async (id: string) => (await agent.call(`/api/sessions/${id}`, { token: creds.admin })).body;
  const sharesOnDisk = () => Object.keys((JSON.parse(readFileSync(path.join(agent.dataDir, 'auth-state.json'), 'utf8')) as { shares: object }).shares).sort();

  beforeAll(async () => {
    markers = mkdtempSync(path.join(os.tmpdir(), 'tf-markers-'));
    agent = await startAuthAgent({ plugins: { 'auth-ws-ticket': { options: { ttlSeconds: 2 } } } });
    const admin = (await agent.login(agent.adminPassword!)).body.token as string;
    const makeToken = async (role: string) => (await agent.call('/api/tokens', { method: 'POST', token: admin, body: { name: `${role} key`, role } })).body;
    const writer = await makeToken('writer');
    const viewer = await makeToken('viewer');
    writerTokenId = writer.id;
    const revoked = (await agent.login(agent.adminPassword!)).body.token as string;
    expect((await agent.call('/api/auth/logout', { method: 'POST', token: revoked })).status).toBe(204);
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintJwt(agent.jwtKey(), { exp: now - 60 });
    const forged = await mintJwt(randomBytes(32), { exp: now + 600 });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin', role: 'admin', iss: 'tunnelforge', aud: 'tunnelforge:access', jti: 'a'.repeat(32), exp: now + 600, iat: now })).toString('base64url');
    const unsigned = `${header}.${payload}.AAAA`;

    // The victim: a shell whose every byte of output is counted; anything typed into it would show up.
    victim = (await agent.call('/api/sessions', { method: 'POST', token: admin, body: { command: ['bash', '--norc', '--noprofile'], name: 'victim' } })).body.id;
    observer = (await agent.call('/api/sessions', { method: 'POST', token: admin, body: { command: ['bash', '--norc', '--noprofile'], name: 'observer' } })).body.id;
    const share = (await agent.call(`/api/sessions/${victim}/share`, { method: 'POST', token: writer.token, body: {} })).body;
    shareId = share.id;
    creds = { admin, writer: writer.token, viewer: viewer.token, share: share.token, revoked, expired, forged, unsigned };

    // The well-behaved client that must be served throughout: a browser-like socket on a ticket.
    const ticket = (await agent.call('/api/auth/ws-ticket', { method: 'POST', token: admin, body: {} })).body.ticket;
    const opened = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`], origin: agent.url });
    if (opened.kind !== 'open') throw new Error(`good client refused: ${opened.status}`);
    goodClient = new Frames(opened.socket);
    goodClient.send(ProtocolCodec.attach({ sessionId: observer, offset: 0 }));
    await goodClient.waitFor((m) => m.type === 'attached');
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the shells print their prompts
    victimBytes = (await sessionInfo(victim)).outputBytes;
  });

  afterAll(async () => {
    goodClient?.socket.terminate();
    await agent.stop();
    rmSync(markers, { recursive: true, force: true });
  });

  /** A concrete path for a route pattern: real ids where a successful call would change something. */
  function concretePath(route: RouteInfo): string {
    return route.path
      .replace(/^\/api\/sessions\/:id/, `/api/sessions/${victim}`)
      .replace(/^\/api\/tokens\/:id/, `/api/tokens/${writerTokenId}`)
      .replace(/^\/api\/shares\/:id/, `/api/shares/${shareId}`)
      .replace(/:(\w+)/g, 'x');
  }

  /** A body that would do harm if the call went through. */
  function harmfulBody(route: RouteInfo): unknown {
    if (route.method === 'GET' || route.method === 'DELETE') return undefined;
    const key = `${route.method} ${route.path}`;
    if (key === 'POST /api/sessions') return { command: ['sh', '-c', `echo > ${marker('created')}`] };
    if (key === 'POST /api/sessions/:id/input') return { text: `echo > ${marker('typed')}\r` };
    if (key === 'POST /api/sessions/:id/resize') return { cols: 33, rows: 11 };
    if (key === 'PATCH /api/sessions/:id') return { name: 'renamed-by-attacker' };
    if (key === 'POST /api/tokens') return { name: 'attacker', role: 'admin' };
    if (key === 'POST /api/power') return { hold: true, reason: 'attacker' };
    return {};
  }

  type Case = { name: string; headers?: Record<string, string>; token?: string; query?: string; status: number; code?: string };

  function casesFor(route: RouteInfo): Case[] {
    const cases: Case[] = [
      { name: 'bad Origin', token: creds.admin, headers: { origin: 'https://evil.example' }, status: 403, code: 'TF_ERR_BAD_ORIGIN' },
      { name: 'null Origin', token: creds.admin, headers: { origin: 'null' }, status: 403, code: 'TF_ERR_BAD_ORIGIN' },
    ];
    if (route.access === 'public') return cases;
    cases.push(
      { name: 'no credentials', status: 401, code: 'TF_ERR_UNAUTHENTICATED' },
      { name: 'malformed header (Basic)', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' }, status: 401, code: 'TF_ERR_UNAUTHENTICATED' },
      { name: 'malformed header (Bearer without token)', headers: { authorization: 'Bearer' }, status: 401, code: 'TF_ERR_UNAUTHENTICATED' },
      { name: 'malformed header (two tokens)', headers: { authorization: `Bearer ${creds.admin} ${creds.admin}` }, status: 401, code: 'TF_ERR_UNAUTHENTICATED' },
      { name: 'bad signature', token: creds.forged, status: 401, code: 'TF_ERR_BAD_TOKEN' },
      { name: 'alg none', token: creds.unsigned, status: 401, code: 'TF_ERR_BAD_TOKEN' },
      { name: 'expired', token: creds.expired, status: 401, code: 'TF_ERR_TOKEN_EXPIRED' },
      { name: 'revoked', token: creds.revoked, status: 401, code: 'TF_ERR_TOKEN_REVOKED' },
      { name: 'token in the query string', query: `token=${creds.admin}&access_token=${creds.admin}&auth=${creds.admin}`, status: 401, code: 'TF_ERR_UNAUTHENTICATED' },
    );
    const access = route.access;
    if (RANK[access] > RANK.viewer) cases.push({ name: 'wrong role (viewer)', token: creds.viewer, status: 403, code: 'TF_ERR_FORBIDDEN' });
    if (RANK[access] > RANK.writer) cases.push({ name: 'wrong role (writer)', token: creds.writer, status: 403, code: 'TF_ERR_FORBIDDEN' });
    // A share link is a viewer limited to one session: refused everywhere else.
    if (RANK[access] > RANK.viewer || !sessionScopeAllows(concretePath(route), victim)) {
      cases.push({ name: 'share link outside its scope', token: creds.share, status: 403, code: 'TF_ERR_FORBIDDEN' });
    }
    return cases;
  }

  test('every HTTP route and event stream refuses every bad credential with the right status, without side effects, while a good client is served', async () => {
    const routes = agent.routes().filter((route) => route.kind !== 'ws');
    expect(routes.length).toBeGreaterThan(30);
    // A good client keeps asking while the matrix runs; every answer must be a 200.
    let running = true;
    const goodAnswers: number[] = [];
    const poller = (async () => {
      while (running) {
        goodAnswers.push((await agent.call('/api/sessions', { token: creds.admin })).status);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const routePath = concretePath(route);
      for (const c of casesFor(route)) {
        const reply: Reply = await agent.call(c.query === undefined ? routePath : `${routePath}?${c.query}`, {
          method: route.method,
          token: c.token,
          headers: c.headers,
          body: harmfulBody(route),
        });
        checked++;
        const code = typeof reply.body === 'object' && reply.body !== null ? reply.body.error?.code : undefined;
        if (reply.status !== c.status || (c.code !== undefined && code !== c.code)) {
          failures.push(`${route.method} ${route.path} [${c.name}]: got ${reply.status} ${code ?? reply.text.slice(0, 80)}, want ${c.status} ${c.code ?? ''}`);
        }
      }
    }
    running = false;
    await poller;
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(300);

    // No side effect anywhere.
    expect(existsSync(marker('created'))).toBe(false);
    expect(existsSync(marker('typed'))).toBe(false);
    const sessions = (await agent.call('/api/sessions', { token: creds.admin })).body.sessions as { id: string }[];
    expect(sessions.map((s) => s.id).sort()).toEqual([victim, observer].sort());
    const after = await sessionInfo(victim);
    expect(after).toMatchObject({ state: 'running', name: 'victim', outputBytes: victimBytes });
    expect(after.cols).not.toBe(33);
    expect(((await agent.call('/api/tokens', { token: creds.admin })).body.tokens as { name: string }[]).map((t) => t.name).sort()).toEqual(['viewer key', 'writer key']);
    expect(sharesOnDisk()).toEqual([shareId]);
    expect((await agent.call(`/api/sessions/${victim}`, { token: creds.share })).status).toBe(200);
    expect((await agent.call('/api/power', { token: creds.admin })).body.manualHold ?? false).toBeFalsy();
    expect((await agent.call('/api/auth/me', { token: creds.admin })).status).toBe(200); // the refused logout did not log it out

    // The good clients were served throughout.
    expect(goodAnswers.length).toBeGreaterThan(10);
    expect(goodAnswers.every((status) => status === 200)).toBe(true);
    goodClient.send(ProtocolCodec.input('echo still-$((20+22))\r'));
    await goodClient.waitFor(() => goodClient.text().includes('still-42'));
    expect(goodClient.closed).toBeNull();
  }, 60_000);

  test('public routes stay public (no credentials needed) but still refuse a foreign Origin', async () => {
    const publicRoutes = agent.routes().filter((route) => route.access === 'public');
    for (const route of publicRoutes) {
      const key = `${route.method} ${route.path}`;
      expect({ key, allowed: PUBLIC.has(key) || (route.method === 'GET' && (route.path === '/' || route.path === '/sw.js' || route.path.startsWith('/assets/'))) }).toEqual({ key, allowed: true });
    }
    expect((await agent.call('/api/health')).status).toBe(200);
    expect((await agent.call('/api/auth/config')).status).toBe(200);
    expect((await agent.call('/api/health', { headers: { origin: agent.url } })).status).toBe(200); // same origin is fine
  });

  describe('WebSocket upgrade', () => {
    const bearer = (token: string) => ({ protocols: ['tunnelforge.v1', `tunnelforge.bearer.${token}`] });
    const refusedWith = async (attempt: Promise<Awaited<ReturnType<typeof upgrade>>>, status: number, code: string) => {
      const result = await attempt;
      if (result.kind === 'open') result.socket.terminate();
      expect(result.kind === 'refused' ? { status: result.status, code: result.code } : 'opened').toEqual({ status, code });
    };

    test('no credentials, malformed header, bad signature, alg none, expired, revoked, query token → 401', async () => {
      await refusedWith(upgrade(agent.wsUrl), 401, 'TF_ERR_UNAUTHENTICATED');
      await refusedWith(upgrade(agent.wsUrl, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'TF_ERR_UNAUTHENTICATED');
      await refusedWith(upgrade(agent.wsUrl, { headers: { authorization: `Bearer ${creds.admin} x` } }), 401, 'TF_ERR_UNAUTHENTICATED');
      await refusedWith(upgrade(agent.wsUrl, bearer(creds.forged)), 401, 'TF_ERR_BAD_TOKEN');
      await refusedWith(upgrade(agent.wsUrl, bearer(creds.unsigned)), 401, 'TF_ERR_BAD_TOKEN');
      await refusedWith(upgrade(agent.wsUrl, bearer(creds.expired)), 401, 'TF_ERR_TOKEN_EXPIRED');
      await refusedWith(upgrade(agent.wsUrl, bearer(creds.revoked)), 401, 'TF_ERR_TOKEN_REVOKED');
      await refusedWith(upgrade(`${agent.wsUrl}?token=${creds.admin}&access_token=${creds.admin}`), 401, 'TF_ERR_UNAUTHENTICATED');
      await refusedWith(upgrade(`${agent.wsUrl}?ticket=${creds.admin}`), 401, 'TF_ERR_UNAUTHENTICATED');
    });

    test('bad Origin, null Origin and a browser without Origin → 403, even with a valid token', async () => {
      await refusedWith(upgrade(agent.wsUrl, { ...bearer(creds.admin), origin: 'https://evil.example' }), 403, 'TF_ERR_BAD_ORIGIN');
      await refusedWith(upgrade(agent.wsUrl, { ...bearer(creds.admin), origin: 'null' }), 403, 'TF_ERR_BAD_ORIGIN');
      await refusedWith(upgrade(agent.wsUrl, { ...bearer(creds.admin), headers: { 'sec-fetch-mode': 'websocket', 'sec-fetch-site': 'cross-site' } }), 403, 'TF_ERR_BAD_ORIGIN');
      // A bad Origin does not consume a ticket either: the Origin check comes first.
      const ticket = (await agent.call('/api/auth/ws-ticket', { method: 'POST', token: creds.admin, body: {} })).body.ticket;
      await refusedWith(upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`], origin: 'https://evil.example' }), 403, 'TF_ERR_BAD_ORIGIN');
      const stillGood = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`], origin: agent.url });
      expect(stillGood.kind).toBe('open');
      if (stillGood.kind === 'open') stillGood.socket.terminate();
    });

    test('a ws-ticket works once: the server confirms tunnelforge.v1 (never the credential); a replay or an expired ticket → 401', async () => {
      const issued = await agent.call('/api/auth/ws-ticket', { method: 'POST', token: creds.admin, body: {} });
      expect(issued.status).toBe(200);
      expect(issued.headers['cache-control']).toBe('no-store');
      const { ticket, expiresAt } = issued.body;
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
      const protocols = ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`];
      const first = await upgrade(agent.wsUrl, { protocols, origin: agent.url });
      expect(first.kind === 'open' && first.protocol).toBe('tunnelforge.v1');
      if (first.kind === 'open') first.socket.terminate();
      await refusedWith(upgrade(agent.wsUrl, { protocols, origin: agent.url }), 401, 'TF_ERR_BAD_TICKET');
      const late = (await agent.call('/api/auth/ws-ticket', { method: 'POST', token: creds.admin, body: {} })).body.ticket;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await refusedWith(upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${late}`], origin: agent.url }), 401, 'TF_ERR_BAD_TICKET');
      // Tickets are not credentials for plain HTTP.
      expect((await agent.call('/api/sessions', { headers: { 'sec-websocket-protocol': `tunnelforge.ticket.${late}` } })).status).toBe(401);
    });

    test('a viewer may watch but its INPUT and RESIZE frames are refused; no byte reaches the PTY', async () => {
      const opened = await upgrade(agent.wsUrl, bearer(creds.viewer));
      if (opened.kind !== 'open') throw new Error('viewer refused');
      const viewer = new Frames(opened.socket);
      viewer.send(ProtocolCodec.attach({ sessionId: victim, offset: 0 }));
      const attached = await viewer.waitFor((m) => m.type === 'attached');
      expect(attached).toMatchObject({ role: 'viewer' });
      viewer.send(ProtocolCodec.input(`echo > ${marker('viewer-typed')}\r`));
      const refused = await viewer.waitFor((m) => m.type === 'error');
      expect(refused).toMatchObject({ code: 'TF_ERR_FORBIDDEN' });
      viewer.send(ProtocolCodec.resize(40, 12));
      await viewer.waitFor((m) => m.type === 'error' && m !== refused);
      // HTTP input by the same viewer: 403 from the transport.
      expect((await agent.call(`/api/sessions/${victim}/input`, { method: 'POST', token: creds.viewer, body: { text: 'x' } })).status).toBe(403);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(existsSync(marker('viewer-typed'))).toBe(false);
      expect((await sessionInfo(victim)).outputBytes).toBe(victimBytes);
      viewer.socket.terminate();
    });

    test('a share link (and a ticket narrowed to a session) reaches that session only, read-only', async () => {
      const opened = await upgrade(agent.wsUrl, bearer(creds.share));
      if (opened.kind !== 'open') throw new Error('share refused');
      const watcher = new Frames(opened.socket);
      watcher.send(ProtocolCodec.attach({ sessionId: observer }));
      expect(await watcher.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'TF_ERR_SESSION_NOT_FOUND' });
      watcher.send(ProtocolCodec.attach({ sessionId: victim }));
      expect(await watcher.waitFor((m) => m.type === 'attached')).toMatchObject({ role: 'viewer' });
      watcher.send(ProtocolCodec.input('x'));
      await watcher.waitFor((m) => m.type === 'error' && m.code === 'TF_ERR_FORBIDDEN');
      watcher.socket.terminate();

      const narrowed = await agent.call('/api/auth/ws-ticket', { method: 'POST', token: creds.admin, body: { sessionId: victim } });
      const socket = await upgrade(agent.wsUrl, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${narrowed.body.ticket}`] });
      if (socket.kind !== 'open') throw new Error('narrowed ticket refused');
      const frames = new Frames(socket.socket);
      frames.send(ProtocolCodec.attach({ sessionId: observer }));
      expect(await frames.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'TF_ERR_SESSION_NOT_FOUND' });
      socket.socket.terminate();
      // A share link cannot widen itself through a ticket.
      expect((await agent.call('/api/auth/ws-ticket', { method: 'POST', token: creds.share, body: { sessionId: observer } })).status).toBe(403);
      expect((await agent.call('/api/auth/ws-ticket', { method: 'POST', token: creds.share, body: {} })).status).toBe(200);
    });
  });
});
