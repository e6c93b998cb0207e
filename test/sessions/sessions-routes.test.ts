import type { SessionInfo, WebSocketRouteDefinition } from '../../src/plugin-api';
import { createSessionsCore, type SessionsCore } from '../../src/sessions/create-sessions-core';
import { LocalEventBus } from '../../src/kernel/core/local-event-bus';
import { MemoryLogger } from '../../src/kernel/logger/memory-logger';
import { BASH } from '../helpers/sessions-harness';
import { FakeHttpRoutes, VIEWER, WRITER } from '../helpers/fake-http-routes';
import { waitFor } from '../helpers/wait-for';

const errorCode = (response: { json?: unknown }): string | undefined => (response.json as { error?: { code?: string } }).error?.code;

describe('sessions HTTP API', () => {
  const log = new MemoryLogger({ level: 'silent' });
  const bus = new LocalEventBus(log);
  const http = new FakeHttpRoutes();
  const wsRoutes: WebSocketRouteDefinition[] = [];
  let core: SessionsCore;

  beforeAll(() => {
    core = createSessionsCore({ config: { exitedRetentionMs: 0, killGraceMs: 500 }, events: bus.forSource('core-sessions'), log });
    core.registerRoutes(http, { add: (route) => (wsRoutes.push(route), { dispose: () => void wsRoutes.splice(wsRoutes.indexOf(route), 1) }) });
  });
  afterAll(() => core.dispose());

  const create = async (body: Record<string, unknown> = {}): Promise<SessionInfo> => {
    const response = await http.call('POST', '/api/sessions', { body: { command: ['cat'], cwd: '/', ...body } });
    expect(response.status).toBe(201);
    return response.json as SessionInfo;
  };

  it('registers the documented routes with their access levels, and /ws for viewers', () => {
    expect(http.definitions.map((r) => `${r.method} ${r.path} ${r.access}`).sort()).toEqual([
      'DELETE /api/sessions/:id writer',
      'GET /api/session-host admin',
      'GET /api/sessions viewer',
      'GET /api/sessions/:id viewer',
      'GET /api/sessions/:id/recording writer',
      'GET /api/sessions/:id/text viewer',
      'PATCH /api/sessions/:id writer',
      'POST /api/session-host/stop admin',
      'POST /api/sessions writer',
      'POST /api/sessions/:id/input writer',
      'POST /api/sessions/:id/resize writer',
    ]);
    expect(http.streams.map((s) => `${s.path} ${s.access}`)).toEqual(['/api/events viewer']);
    expect(wsRoutes.map((r) => `${r.path} ${r.access}`)).toEqual(['/ws viewer']);
  });

  it('POST /api/sessions validates the body with zod (400 TF_ERR_BAD_REQUEST with the issues)', async () => {
    for (const body of [{ command: 'ls -la' }, { command: [] }, { cwd: 42 }, { env: { A: 1 } }, { unknown: true }, 'text']) {
      const response = await http.call('POST', '/api/sessions', { body });
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('TF_ERR_BAD_REQUEST');
      expect(Array.isArray((response.json as { error: { details: unknown } }).error.details)).toBe(true);
    }
    const badSize = await http.call('POST', '/api/sessions', { body: { command: ['cat'], cwd: '/', cols: 5000 } });
    expect([badSize.status, errorCode(badSize)]).toEqual([400, 'TF_ERR_BAD_SIZE']);
  });

  it('creates (201), lists, gets, renames, resizes, takes input and gives the text', async () => {
    const info = await create({ name: 'api test', cols: 90, rows: 20 });
    expect(info).toMatchObject({ name: 'api test', cols: 90, rows: 20, state: 'running' });
    const list = await http.call('GET', '/api/sessions', { principal: VIEWER });
    expect((list.json as { sessions: SessionInfo[] }).sessions.map((s) => s.id)).toContain(info.id);
    expect((await http.call('GET', `/api/sessions/${info.id}`)).json).toMatchObject({ id: info.id });
    expect((await http.call('PATCH', `/api/sessions/${info.id}`, { body: { name: 'renamed' } })).json).toMatchObject({ name: 'renamed' });
    const blank = await http.call('PATCH', `/api/sessions/${info.id}`, { body: { name: '   ' } });
    expect([blank.status, blank.json]).toEqual([400, { error: { code: 'TF_ERR_BAD_REQUEST', message: expect.any(String), details: [{ path: 'body.name', message: expect.any(String) }] } }]);
    expect((await http.call('POST', `/api/sessions/${info.id}/resize`, { body: { cols: 100, rows: 30 } })).json).toMatchObject({ cols: 100, rows: 30 });
    const badResize = await http.call('POST', `/api/sessions/${info.id}/resize`, { body: { cols: 0, rows: 30 } });
    expect([badResize.status, errorCode(badResize)]).toEqual([400, 'TF_ERR_BAD_SIZE']);

    expect((await http.call('POST', `/api/sessions/${info.id}/input`, { body: { text: 'hello api' } })).status).toBe(204);
    expect((await http.call('POST', `/api/sessions/${info.id}/input`, { body: { key: 'enter' } })).status).toBe(204);
    for (const body of [{ text: 'a', key: 'enter' }, { key: 'hyper' }, {}]) {
      const bad = await http.call('POST', `/api/sessions/${info.id}/input`, { body });
      expect([bad.status, errorCode(bad)]).toEqual([400, 'TF_ERR_BAD_REQUEST']);
    }
    await waitFor(() => core.manager.get(info.id)!.outputBytes >= 'hello api\r\nhello api\r\n'.length, 'echo and cat output');
    const text = await http.call('GET', `/api/sessions/${info.id}/text`, { principal: VIEWER });
    expect(text.headers?.['content-type']).toMatch(/^text\/plain/);
    expect(text.text!.split('\n').slice(0, 2)).toEqual(['hello api', 'hello api']);
  });

  it('DELETE kills a running session (kept, exited) and removes an exited one (204)', async () => {
    const info = await create();
    const killed = await http.call('DELETE', `/api/sessions/${info.id}`);
    expect(killed.status).toBe(200);
    expect(killed.json).toMatchObject({ id: info.id, state: 'exited' });
    expect((await http.call('GET', `/api/sessions/${info.id}`)).status).toBe(200);
    const removed = await http.call('DELETE', `/api/sessions/${info.id}`);
    expect(removed.status).toBe(204);
    const gone = await http.call('GET', `/api/sessions/${info.id}`);
    expect([gone.status, errorCode(gone)]).toEqual([404, 'TF_ERR_SESSION_NOT_FOUND']);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['nope', '6f1c8a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f', '..%2F..%2Fetc']) {
      const response = await http.call('GET', `/api/sessions/${id}`);
      expect([response.status, errorCode(response)]).toEqual([404, 'TF_ERR_SESSION_NOT_FOUND']);
    }
  });

  it('shows a session-bound principal only its own session', async () => {
    const mine = await create();
    const other = await create();
    const bound = { ...VIEWER, sessionId: mine.id };
    const list = await http.call('GET', '/api/sessions', { principal: bound });
    expect((list.json as { sessions: SessionInfo[] }).sessions.map((s) => s.id)).toEqual([mine.id]);
    expect((await http.call('GET', `/api/sessions/${other.id}`, { principal: bound })).status).toBe(404);
    expect((await http.call('GET', `/api/sessions/${other.id}/text`, { principal: bound })).status).toBe(404);
    expect((await http.call('GET', `/api/sessions/${mine.id}`, { principal: bound })).status).toBe(200);
    const boundWriter = { ...WRITER, sessionId: mine.id };
    expect((await http.call('DELETE', `/api/sessions/${other.id}`, { principal: boundWriter })).status).toBe(404);
    const creation = await http.call('POST', '/api/sessions', { body: { command: ['cat'], cwd: '/' }, principal: boundWriter });
    expect([creation.status, errorCode(creation)]).toEqual([403, 'TF_ERR_FORBIDDEN']);
  });

  it('streams bus events over SSE (session.* and everything else); a bound principal gets its session only', async () => {
    const all = http.openStream('/api/events');
    const mine = await create();
    const bound = http.openStream('/api/events', { ...VIEWER, sessionId: mine.id });
    bus.forSource('power-noop').publish('power.changed', { held: true });
    const other = await create({ command: [...BASH, '-c', 'exit 0'] });
    await core.manager.session(other.id)!.exited;
    await http.call('PATCH', `/api/sessions/${mine.id}`, { body: { name: 'seen by both' } });

    await waitFor(() => all.sent.some((e) => e.event === 'session.exited'), 'session.exited on the stream');
    const types = all.sent.map((e) => e.event);
    expect(types).toEqual(expect.arrayContaining(['session.created', 'power.changed', 'session.exited', 'session.renamed']));
    const event = all.sent.find((e) => e.event === 'session.renamed')!;
    expect(event.data).toMatchObject({ type: 'session.renamed', source: 'core-sessions', data: { id: mine.id, name: 'seen by both' } });
    expect(event.id).toBe((event.data as { id: number }).id);
    expect(bound.sent.map((e) => [e.event, (e.data as { data: SessionInfo }).data.id])).toEqual([['session.renamed', mine.id]]);

    all.close();
    const count = all.sent.length;
    await http.call('PATCH', `/api/sessions/${mine.id}`, { body: { name: 'after close' } });
    expect(all.sent.length).toBe(count);
    bound.close();
  });
});
