import * as http from 'node:http';
import type { AgentEvent, SessionInfo } from '../../src/plugin-api';
import { startTestAgent, type TestAgent } from '../../src/testkit';
import { waitFor } from '../helpers/wait-for';

interface SseMessage {
  id?: string;
  event?: string;
  data: AgentEvent;
}

/** A real `GET /api/events` over HTTP on loopback, parsed as it arrives. */
interface EventStream {
  status: number;
  body: string;
  messages: SseMessage[];
  close(): void;
}

function openEvents(agent: TestAgent, token: string, { query = '', lastEventId }: { query?: string; lastEventId?: string } = {}): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
    const req = http.get(`${agent.url}/api/events${query}`, { headers, agent: false }, (res) => {
      const stream: EventStream = { status: res.statusCode ?? 0, body: '', messages: [], close: () => req.destroy() };
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string) => {
        stream.body += chunk;
        pending += chunk;
        let end;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(': ');
            fields[line.slice(0, colon)] = line.slice(colon + 2);
          }
          if (fields.data !== undefined) stream.messages.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) as AgentEvent });
        }
      });
      res.once('data', () => resolve(stream));
      res.on('end', () => resolve(stream));
    });
    req.on('error', reject);
  });
}

describe('GET /api/events: Last-Event-ID replay, ?types= filter, events.missed (real agent, real HTTP)', () => {
  let agent: TestAgent;
  let admin: string;
  let viewer: string;
  beforeAll(async () => {
    agent = await startTestAgent({ config: { plugins: { 'core-sessions': { options: { mode: 'in-process', eventHistorySize: 50 } } } } });
    admin = await agent.token('admin');
    viewer = await agent.token('viewer');
  });
  afterAll(() => agent.stop());

  const createSession = async (): Promise<SessionInfo> => (await agent.as('admin').post('/api/sessions', { command: ['cat'], cwd: '/' })).json as SessionInfo;
  const rename = (id: string, name: string) => agent.as('admin').patch(`/api/sessions/${id}`, { name });

  it('replays exactly the events after Last-Event-ID, then goes on live', async () => {
    const session = await createSession();
    await rename(session.id, 'first');
    const first = await agent.waitForEvent('session.renamed', (e) => (e.data as SessionInfo).name === 'first');
    await rename(session.id, 'second');
    await rename(session.id, 'third');
    agent.kernel.kernel.events.publish('test', 'power.changed', { held: false, reasons: [] });
    const latest = agent.events[agent.events.length - 1].id;
    const missed = agent.events.filter((e) => e.id > first.id && e.id <= latest && !e.type.startsWith('auth.'));

    const stream = await openEvents(agent, admin, { lastEventId: String(first.id) });
    await waitFor(() => stream.messages.length >= missed.length, 'the replay');
    expect(stream.messages.slice(0, missed.length).map((m) => [Number(m.id), m.event])).toEqual(missed.map((e) => [e.id, e.type]));
    expect(stream.messages.slice(0, missed.length).map((m) => m.data)).toEqual(JSON.parse(JSON.stringify(missed)));
    await rename(session.id, 'live');
    await waitFor(() => stream.messages.some((m) => m.event === 'session.renamed' && (m.data.data as SessionInfo).name === 'live'), 'the live event');
    const ids = stream.messages.map((m) => Number(m.id));
    expect(new Set(ids).size).toBe(ids.length); // no duplicates between replay and live
    stream.close();
  });

  it('filters replayed and live events with ?types= (exact types and prefixes)', async () => {
    const session = await createSession();
    const before = agent.events[agent.events.length - 1].id;
    await rename(session.id, 'typed-1');
    agent.kernel.kernel.events.publish('test', 'power.changed', { held: true, reasons: [] });
    const stream = await openEvents(agent, admin, { query: '?types=session.renamed,power.*', lastEventId: String(before) });
    await rename(session.id, 'typed-2');
    await waitFor(() => stream.messages.length >= 3, 'three events');
    expect(stream.messages.map((m) => m.event)).toEqual(['session.renamed', 'power.changed', 'session.renamed']);
    stream.close();
  });

  it('refuses a malformed ?types= with 400 TF_ERR_BAD_REQUEST', async () => {
    const stream = await openEvents(agent, admin, { query: '?types=Session%20Title' });
    expect(stream.status).toBe(400);
    await waitFor(() => stream.body.includes('TF_ERR_BAD_REQUEST'), 'the error body');
  });

  it('answers an unknown or too-old Last-Event-ID with events.missed and the session list, then live events', async () => {
    const unknown = await openEvents(agent, admin, { lastEventId: '99999999' });
    await waitFor(() => unknown.messages.length >= 1, 'events.missed');
    const marker = unknown.messages[0];
    expect(marker.event).toBe('events.missed');
    expect(marker.data.data).toMatchObject({ lastEventId: '99999999', reason: 'unknown' });
    const listed = (marker.data.data as { sessions: SessionInfo[] }).sessions.map((s) => s.id).sort();
    expect(listed).toEqual(((await agent.as('admin').get('/api/sessions')).json as { sessions: SessionInfo[] }).sessions.map((s) => s.id).sort());
    expect(Number(marker.id)).toBe(agent.events[agent.events.length - 1].id); // resume from here next time
    unknown.close();

    // More events than the history holds (50) since id `old`.
    const session = await createSession();
    const old = agent.events[agent.events.length - 1].id;
    for (let i = 0; i < 60; i++) await rename(session.id, `n${i}`);
    const tooOld = await openEvents(agent, admin, { lastEventId: String(old) });
    await waitFor(() => tooOld.messages.length >= 1, 'events.missed');
    expect(tooOld.messages[0].data.data).toMatchObject({ reason: 'too-old' });
    expect(tooOld.messages).toHaveLength(1);
    tooOld.close();
  });

  it('applies role filtering to replayed events: auth.* only for admins', async () => {
    const before = agent.events[agent.events.length - 1].id;
    agent.kernel.kernel.events.publish('test', 'auth.revoked', { credential: 'token:nobody', reason: 'test' });
    agent.kernel.kernel.events.publish('test', 'power.changed', { held: false, reasons: [] });
    const asViewer = await openEvents(agent, viewer, { lastEventId: String(before) });
    const asAdmin = await openEvents(agent, admin, { lastEventId: String(before) });
    await waitFor(() => asViewer.messages.length >= 1 && asAdmin.messages.length >= 2, 'replays');
    expect(asViewer.messages.map((m) => m.event)).toEqual(['power.changed']);
    expect(asAdmin.messages.map((m) => m.event)).toEqual(['auth.revoked', 'power.changed']);
    asViewer.close();
    asAdmin.close();
  });
});
