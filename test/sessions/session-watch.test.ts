import { nodeWebSocket, ProtocolCodec, SessionWatcher, type PreviewFrame, type SessionEventFrame, type SessionInfo } from '@tunnelforge/client/node';
import { startTestAgent, type TestAgent } from '../../src/testkit';
import { waitFor } from '../helpers/wait-for';

const PREVIEW_INTERVAL_MS = 500;

describe('WATCH: many sessions on one socket (real agent, real shells, @tunnelforge/client SessionWatcher)', () => {
  let agent: TestAgent;
  const watchers: SessionWatcher[] = [];
  beforeAll(async () => {
    agent = await startTestAgent({
      config: { plugins: { 'core-sessions': { options: { mode: 'in-process', previewIntervalMs: PREVIEW_INTERVAL_MS, exitedRetentionMs: 0, createRateLimit: { creates: 0 } } } } },
    });
  });
  afterEach(() => {
    for (const watcher of watchers.splice(0)) watcher.close();
  });
  afterAll(() => agent.stop());

  const watcher = async (role: 'viewer' | 'admin' | { token: string }, sessions: 'all' | string[] = 'all'): Promise<SessionWatcher> => {
    const token = typeof role === 'string' ? await agent.token(role) : role.token;
    const created = new SessionWatcher({ url: agent.wsUrl, webSocket: nodeWebSocket, sessions, authenticate: async () => ({ headers: { authorization: `Bearer ${token}` } }) });
    watchers.push(created);
    return created;
  };
  const create = async (command: string[], name?: string): Promise<SessionInfo> =>
    (await agent.as('admin').post('/api/sessions', { command, cwd: '/', ...(name ? { name } : {}) })).json as SessionInfo;
  const removeAll = async () => {
    await Promise.all(((await agent.as('admin').get('/api/sessions')).json.sessions as SessionInfo[]).map(async (session) => {
      await agent.as('admin').delete(`/api/sessions/${session.id}`);
      await agent.as('admin').delete(`/api/sessions/${session.id}`);
    }));
  };

  afterEach(async () => removeAll());

  it('one client watching 50 continuously printing sessions receives previews of all 50 within the throttle', async () => {
    // One after the other: the agent paces spawns, and 50 requests at once would wait on each other past the client's timeout.
    const sessions: SessionInfo[] = [];
    for (let i = 0; i < 50; i++) sessions.push(await create(['/bin/bash', '--norc', '-c', `i=0; while :; do i=$((i+1)); echo "session ${i} line $i"; sleep 0.2; done`], `printer ${i}`));
    const ids = new Set(sessions.map((s) => s.id));
    const watch = await watcher('viewer');
    const previews: Array<PreviewFrame & { at: number }> = [];
    watch.on('preview', (preview) => previews.push({ ...preview, at: Date.now() }));
    let listed: SessionInfo[] = [];
    watch.on('sessions', (list) => (listed = list));
    watch.start();
    // The first round starts at once but builds 50 emulators (cold: the one-time cost, measured in bench/).
    await waitFor(() => new Set(previews.map((p) => p.sessionId)).size === 50, 'previews of all 50 sessions', 30_000);
    expect(listed.filter((s) => ids.has(s.id))).toHaveLength(50);
    const sample = previews.find((p) => p.sessionId === sessions[7].id)!;
    expect(sample.text).toMatch(/session 7 line \d+/);
    expect(sample).toMatchObject({ cols: 80, rows: 24 });

    // Then, warm: within 4 s every session gets fresh previews, and never more than one per interval.
    const from = previews.length;
    const windowStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const windowMs = Date.now() - windowStart;
    const window = previews.slice(from);
    const perSession = new Map<string, number>();
    for (const preview of window) perSession.set(preview.sessionId, (perSession.get(preview.sessionId) ?? 0) + 1);
    expect(perSession.size).toBe(50);
    // (Counted, not timed by arrival: the agent shares this test's event loop, so arrivals bunch up under load.)
    expect(Math.max(...perSession.values())).toBeLessThanOrEqual(Math.ceil(windowMs / PREVIEW_INTERVAL_MS) + 1);
    // Offsets only move forward per session.
    for (const id of ids) {
      const offsets = previews.filter((p) => p.sessionId === id).map((p) => p.outputBytes);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  }, 60_000);

  it('sends state changes as events (title, bell, created, removed) and keeps the list current', async () => {
    const watch = await watcher('admin');
    const events: Array<SessionEventFrame['event']> = [];
    watch.on('event', (event) => events.push(event));
    const connected = new Promise<void>((resolve) => watch.once('connected', () => resolve()));
    watch.start();
    await connected;
    const session = await create(['/bin/bash', '--norc', '-c', "printf '\\e]0;build\\a'; sleep 0.2; printf '\\a'; sleep 30"]);
    await waitFor(() => events.some((e) => e.type === 'session.bell' && e.data.id === session.id), 'the bell event');
    expect(events.filter((e) => e.data.id === session.id).map((e) => e.type)).toEqual(expect.arrayContaining(['session.created', 'session.title', 'session.bell']));
    expect(watch.sessions.get(session.id)?.title).toBe('build');
    await agent.as('admin').delete(`/api/sessions/${session.id}`);
    await agent.as('admin').delete(`/api/sessions/${session.id}`);
    await waitFor(() => !watch.sessions.has(session.id), 'the session gone from the list');
  });

  it('a share link watching everything sees only its own session', async () => {
    const mine = await create(['/bin/bash', '--norc', '-c', 'while :; do echo mine; sleep 0.1; done']);
    const other = await create(['/bin/bash', '--norc', '-c', 'while :; do echo other; sleep 0.1; done']);
    const share = (await agent.as('writer').post(`/api/sessions/${mine.id}/share`, {})).json as { token: string };
    const watch = await watcher({ token: share.token });
    const seen = new Set<string>();
    watch.on('preview', (preview) => seen.add(preview.sessionId));
    watch.on('event', (event) => seen.add(event.data.id));
    watch.start();
    await waitFor(() => seen.has(mine.id), 'a preview of its session');
    await agent.as('admin').patch(`/api/sessions/${other.id}`, { name: 'renamed other' });
    await agent.as('admin').patch(`/api/sessions/${mine.id}`, { name: 'renamed mine' });
    await waitFor(() => watch.sessions.get(mine.id)?.name === 'renamed mine', 'its rename');
    expect([...seen]).toEqual([mine.id]);
    expect([...watch.sessions.keys()]).toEqual([mine.id]);
  });

  it('answers a malformed WATCH with TF_ERR_BAD_REQUEST or TF_ERR_BAD_FRAME and keeps the socket', async () => {
    const socket = await agent.connect({ as: 'viewer' });
    socket.send(ProtocolCodec.watch({ all: true, sessionIds: ['x'] }));
    expect(await socket.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'TF_ERR_BAD_REQUEST' });
    socket.send(new Uint8Array([0x08, ...Buffer.from('{"sessionIds":[["nested"]]}')]));
    expect(await socket.waitFor((m) => m.type === 'error', 10_000, 1)).toMatchObject({ code: 'TF_ERR_BAD_FRAME' });
    socket.send(ProtocolCodec.watch({ sessionIds: ['no-such-session'], previews: false }));
    expect(await socket.waitFor((m) => m.type === 'watching')).toEqual({ type: 'watching', all: false, sessions: [] });
    expect(socket.closed).toBeNull();
    await socket.close();
  });
});
