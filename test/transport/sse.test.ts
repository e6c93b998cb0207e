import { connect } from 'node:net';
import type { SseStream } from '../../src/plugin-api/http-routes';
import { auth, startServer, waitFor, type Started } from './transport-test-kit';

interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Reads an SSE response body into parsed events (comments kept, for keep-alive checks). */
function readEvents(res: Response): { events: SseEvent[]; done: Promise<void> } {
  const events: SseEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const { value, done: end } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (end) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event: SseEvent = {};
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          const field = line.slice(0, colon);
          const value = line.slice(colon + 1).replace(/^ /, '');
          if (field === '') event.comment = value;
          else (event as Record<string, string>)[field] = value;
        }
        events.push(event);
      }
    }
  })();
  return { events, done };
}

describe('UwsServer server-sent events', () => {
  let s: Started;
  const streams: SseStream[] = [];
  let closes = 0;
  beforeAll(async () => {
    s = await startServer({ options: { sseKeepAliveMs: 100 } });
    s.server.addEventStream({
      path: '/events/:topic',
      access: 'viewer',
      open(req, stream) {
        streams.push(stream);
        stream.onClose(() => closes++);
        stream.send('hello', { topic: req.params.topic, who: req.principal?.id }, 1);
      },
    });
  });
  afterAll(() => s.server.close());

  test('the stream needs credentials like any route: 401 JSON, no stream opened', async () => {
    const before = streams.length;
    const res = await fetch(`${s.url}/events/a`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(streams.length).toBe(before);
  });

  test('events arrive with event/id/JSON data; keep-alive comments flow; onClose when the client goes', async () => {
    const controller = new AbortController();
    const res = await fetch(`${s.url}/events/t1`, { headers: auth('viewer-token'), signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const { events } = readEvents(res);
    await waitFor(() => events.some((e) => e.event === 'hello'), 3000, 'hello event');
    expect(events.find((e) => e.event === 'hello')).toEqual({ event: 'hello', id: '1', data: JSON.stringify({ topic: 't1', who: 'user-viewer' }) });
    const stream = streams[streams.length - 1];
    expect(stream.send('multi', { text: 'line1\nline2' }, 'a\nid: forged')).toBe(true);
    expect(stream.send('evil\ndata: injected', 'x')).toBe(true);
    await waitFor(() => events.some((e) => e.event === 'evilx' || e.event === 'evildata: injected'), 3000, 'sanitised event');
    const multi = events.find((e) => e.event === 'multi') as SseEvent;
    expect(JSON.parse(multi.data as string)).toEqual({ text: 'line1\nline2' });
    expect(multi.id).toBe('aid: forged'); // newline stripped: no second id line
    expect(events.some((e) => e.data === 'injected')).toBe(false);
    await waitFor(() => events.some((e) => e.comment === 'keep-alive'), 3000, 'keep-alive comment');

    const closesBefore = closes;
    controller.abort();
    await waitFor(() => stream.closed, 3000, 'stream closed after client left');
    expect(closes).toBe(closesBefore + 1);
    expect(stream.send('late', 1)).toBe(false);
  });

  test('the server can close a stream; disposing the endpoint closes its streams and 404s new ones', async () => {
    const res = await fetch(`${s.url}/events/t2`, { headers: auth('viewer-token') });
    const reading = readEvents(res);
    await waitFor(() => reading.events.length > 0, 3000, 'first event');
    streams[streams.length - 1].close();
    await reading.done; // the response ended

    const extra = s.server.addEventStream({ path: '/other', access: 'viewer', open: (_req, stream) => streams.push(stream) });
    const other = await fetch(`${s.url}/other`, { headers: auth('viewer-token') });
    const otherReading = readEvents(other);
    await waitFor(() => otherReading.events.length > 0, 3000, 'connected comment');
    const otherStream = streams[streams.length - 1];
    extra.dispose();
    expect(otherStream.closed).toBe(true);
    await otherReading.done;
    expect((await fetch(`${s.url}/other`, { headers: auth('viewer-token') })).status).toBe(404);
  });

  test('a throwing open handler closes that stream and nothing else', async () => {
    const bad = s.server.addEventStream({ path: '/bad', access: 'viewer', open: () => { throw new Error('open failed'); } });
    const res = await fetch(`${s.url}/bad`, { headers: auth('viewer-token') });
    await readEvents(res).done;
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields.error === 'open failed')).toBe(true);
    expect((await fetch(`${s.url}/events/ok`, { headers: auth('viewer-token') }).then((r) => { void r.body?.cancel(); return r.status; }))).toBe(200);
    bad.dispose();
  });
});

describe('UwsServer SSE backpressure', () => {
  /** A client that sends the request and then does not read (no 'data' listener, paused). */
  function pausedClient(port: number, path: string) {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer viewer-token\r\n\r\n`);
    });
    socket.on('error', () => undefined);
    return { socket };
  }

  test('a client that does not read is queued up to the cap, then dropped', async () => {
    const s = await startServer({ options: { sseMaxQueuedBytes: 256 * 1024 } });
    let stream: SseStream | null = null;
    s.server.addEventStream({ path: '/firehose', access: 'viewer', open: (_req, st) => (stream = st) });
    const client = pausedClient(s.port, '/firehose');
    client.socket.pause();
    await waitFor(() => stream !== null, 3000, 'stream open');
    const payload = 'x'.repeat(64 * 1024);
    let sent = 0;
    while (sent < 2000 && (stream as unknown as SseStream).send('chunk', payload, sent)) sent++;
    expect(sent).toBeLessThan(2000); // dropped long before 128 MB were buffered
    expect((stream as unknown as SseStream).closed).toBe(true);
    expect(s.log.lines.some((l) => l.msg === 'sse client not reading; stream dropped')).toBe(true);
    client.socket.destroy();
    await s.server.close();
  });

  test('queued events are delivered in order once the client reads again', async () => {
    const s = await startServer({ options: { sseMaxQueuedBytes: 64 * 1024 * 1024 } });
    let stream: SseStream | null = null;
    s.server.addEventStream({ path: '/burst', access: 'viewer', open: (_req, st) => (stream = st) });
    const client = pausedClient(s.port, '/burst');
    client.socket.pause();
    await waitFor(() => stream !== null, 3000, 'stream open');
    const live = stream as unknown as SseStream;
    const payload = 'y'.repeat(32 * 1024);
    const count = 300; // ~10 MB: more than the loopback socket buffers hold
    for (let i = 0; i < count; i++) expect(live.send('n', payload, i)).toBe(true);
    expect((live as unknown as { queuedBytes: number }).queuedBytes).toBeGreaterThan(0); // congestion reached
    let text = '';
    client.socket.setEncoding('latin1');
    client.socket.on('data', (chunk: string) => (text += chunk));
    client.socket.resume();
    await waitFor(() => text.includes(`id: ${count - 1}\n`), 5000, 'last event');
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(live.closed).toBe(false);
    client.socket.destroy();
    await s.server.close();
  });
});
