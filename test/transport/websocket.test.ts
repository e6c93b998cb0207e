import WebSocket from 'ws';
import type { WsConnection } from '../../src/plugin-api/http-routes';
import { auth, closed, connectWs, nextMessage, openWs, startServer, waitFor, type Started } from './transport-test-kit';

describe('UwsServer WebSocket upgrades', () => {
  let s: Started;
  const opened: WsConnection[] = [];
  beforeAll(async () => {
    s = await startServer({ options: { allowedOrigins: ['https://app.example'] } });
    s.server.add({
      path: '/ws/echo',
      access: 'viewer',
      handler: {
        open: (c) => opened.push(c),
        message: (c, data, isBinary) => c.send(data, isBinary),
      },
    });
    s.server.add({ path: '/ws/input', access: 'writer', handler: { message: () => undefined } });
  });
  afterAll(() => s.server.close());
  const echo = () => `${s.wsUrl}/ws/echo`;

  test('no credentials → 401 before the upgrade; too low a role → 403', async () => {
    const anonymous = await openWs(echo());
    expect(anonymous).toMatchObject({ kind: 'refused', status: 401 });
    if (anonymous.kind === 'refused') {
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="tunnelforge"');
      expect(JSON.parse(anonymous.body).error.code).toBe('TF_ERR_UNAUTHENTICATED');
    }
    expect(await openWs(echo(), { headers: auth('bad-token') })).toMatchObject({ kind: 'refused', status: 401 });
    const viewerOnInput = await openWs(`${s.wsUrl}/ws/input`, { headers: auth('viewer-token') });
    expect(viewerOnInput).toMatchObject({ kind: 'refused', status: 403 });
    const writer = await connectWs(`${s.wsUrl}/ws/input`, { headers: auth('writer-token') });
    writer.close();
  });

  test('unknown path → 404 before the upgrade (and before auth)', async () => {
    const attempt = await openWs(`${s.wsUrl}/ws/nope`);
    expect(attempt).toMatchObject({ kind: 'refused', status: 404 });
    if (attempt.kind === 'refused') expect(JSON.parse(attempt.body).error.code).toBe('TF_ERR_NOT_FOUND');
  });

  test('Origin: foreign → 403, "null" → 403, missing with browser markers → 403', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:1', 'file://']) {
      const attempt = await openWs(echo(), { headers: auth('admin-token'), origin });
      expect({ origin, status: attempt.kind === 'refused' ? attempt.status : 101 }).toEqual({ origin, status: 403 });
      if (attempt.kind === 'refused') expect(JSON.parse(attempt.body).error.code).toBe('TF_ERR_BAD_ORIGIN');
    }
    const browserish = await openWs(echo(), { headers: { ...auth('admin-token'), 'sec-fetch-mode': 'websocket', 'sec-fetch-site': 'cross-site' } });
    expect(browserish).toMatchObject({ kind: 'refused', status: 403 });
  });

  test('Origin: same origin, a listed origin, and no Origin from a non-browser client are allowed', async () => {
    for (const origin of [`http://127.0.0.1:${s.port}`, 'https://app.example', undefined]) {
      const socket = await connectWs(echo(), { headers: auth('viewer-token'), ...(origin === undefined ? {} : { origin }) });
      socket.close();
    }
  });

  test('binary and text frames echo with their type; the connection carries principal and address', async () => {
    const socket = await connectWs(echo(), { headers: auth('viewer-token') });
    await waitFor(() => opened.length > 0);
    const connection = opened[opened.length - 1];
    expect(connection.principal).toEqual({ id: 'user-viewer', role: 'viewer', via: 'test-bearer' });
    expect(connection.remoteAddress).toBe('127.0.0.1');
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const reply = nextMessage(socket);
    socket.send(bytes, { binary: true });
    expect(await reply).toEqual({ data: bytes, isBinary: true });
    const text = nextMessage(socket);
    socket.send('héllo');
    const got = await text;
    expect(got.isBinary).toBe(false);
    expect(got.data.toString()).toBe('héllo');
    socket.close();
  });

  test('the first offered subprotocol is confirmed', async () => {
    const socket = await connectWs(echo(), { headers: auth('viewer-token') }, ['tunnelforge.v1', 'other']);
    expect(socket.protocol).toBe('tunnelforge.v1');
    socket.close();
  });

  test('handlers get a private copy of each message', async () => {
    const kept: Buffer[] = [];
    const route = s.server.add({ path: '/ws/keep', access: 'viewer', handler: { message: (c, data) => { kept.push(data); c.send(Buffer.from('ok')); } } });
    const socket = await connectWs(`${s.wsUrl}/ws/keep`, { headers: auth('viewer-token') });
    for (const fill of [1, 2, 3]) {
      const reply = nextMessage(socket);
      socket.send(Buffer.alloc(1000, fill));
      await reply;
    }
    expect(kept.map((b) => [b.length, b[0], b[999]])).toEqual([[1000, 1, 1], [1000, 2, 2], [1000, 3, 3]]);
    socket.close();
    route.dispose();
  });

  test('refuse() sees each frame before it is copied: a refused frame never reaches message(); a throwing refuse() refuses nothing', async () => {
    const seen: string[] = [];
    const route = s.server.add({
      path: '/ws/gate',
      access: 'viewer',
      handler: {
        refuse: (c, data) => {
          if (data[0] === 0x66) throw new Error('refuse exploded');
          if (data[0] !== 0x21) return false;
          c.send(Buffer.from(`refused ${data.length}`), false);
          return true;
        },
        message: (c, data) => {
          seen.push(data.toString());
          c.send(data, false);
        },
      },
    });
    const socket = await connectWs(`${s.wsUrl}/ws/gate`, { headers: auth('viewer-token') });
    let reply = nextMessage(socket);
    socket.send(Buffer.concat([Buffer.from('!'), Buffer.alloc(100_000)]));
    expect((await reply).data.toString()).toBe('refused 100001');
    reply = nextMessage(socket);
    socket.send(Buffer.from('fine'));
    expect((await reply).data.toString()).toBe('fine');
    reply = nextMessage(socket);
    socket.send(Buffer.from('f-word'));
    expect((await reply).data.toString()).toBe('f-word');
    expect(seen).toEqual(['fine', 'f-word']);
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields.error === 'refuse exploded')).toBe(true);
    socket.close();
    route.dispose();
  });

  test('a frame above the route limit closes the socket with 1009', async () => {
    const route = s.server.add({ path: '/ws/small', access: 'viewer', maxPayloadBytes: 1024, handler: { message: (c, d) => c.send(d) } });
    const socket = await connectWs(`${s.wsUrl}/ws/small`, { headers: auth('viewer-token') });
    const ok = nextMessage(socket);
    socket.send(Buffer.alloc(1024));
    expect((await ok).data.length).toBe(1024);
    const done = closed(socket);
    socket.send(Buffer.alloc(1025));
    expect((await done).code).toBe(1009);
    route.dispose();
  });

  test('a throwing handler is logged; its client and every other client keep working', async () => {
    const route = s.server.add({
      path: '/ws/fragile',
      access: 'viewer',
      handler: {
        message: (c, data) => {
          if (data.toString() === 'boom') throw new Error('handler exploded');
          if (data.toString() === 'async-boom') return Promise.reject(new Error('async exploded')) as unknown as void;
          c.send(data, false);
        },
      },
    });
    const a = await connectWs(`${s.wsUrl}/ws/fragile`, { headers: auth('viewer-token') });
    const b = await connectWs(`${s.wsUrl}/ws/fragile`, { headers: auth('viewer-token') });
    a.send('boom');
    a.send('async-boom');
    await waitFor(() => s.log.lines.some((l) => l.fields.error === 'async exploded'), 3000, 'async error logged');
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields.error === 'handler exploded')).toBe(true);
    const replyB = nextMessage(b);
    b.send('still here');
    expect((await replyB).data.toString()).toBe('still here');
    const replyA = nextMessage(a);
    a.send('me too');
    expect((await replyA).data.toString()).toBe('me too');
    a.close();
    b.close();
    route.dispose();
  });

  test('disposing an endpoint closes its sockets with 1001 and refuses new upgrades', async () => {
    let closeSeen: number | null = null;
    const route = s.server.add({ path: '/ws/temp', access: 'viewer', handler: { message: () => undefined, close: (_c, code) => (closeSeen = code) } });
    const socket = await connectWs(`${s.wsUrl}/ws/temp`, { headers: auth('viewer-token') });
    const done = closed(socket);
    route.dispose();
    expect((await done).code).toBe(1001);
    expect(closeSeen).toBe(1001);
    expect(await openWs(`${s.wsUrl}/ws/temp`, { headers: auth('viewer-token') })).toMatchObject({ kind: 'refused', status: 404 });
  });

  test('public endpoints accept anyone as the anonymous viewer (Origin rule still applies)', async () => {
    let who: unknown = null;
    const route = s.server.add({ path: '/ws/public', access: 'public', handler: { open: (c) => (who = c.principal), message: () => undefined } });
    const socket = await connectWs(`${s.wsUrl}/ws/public`);
    await waitFor(() => who !== null);
    expect(who).toEqual({ id: 'anonymous', role: 'viewer', via: 'public' });
    socket.close();
    expect(await openWs(`${s.wsUrl}/ws/public`, { origin: 'https://evil.example' })).toMatchObject({ kind: 'refused', status: 403 });
    route.dispose();
  });
});

/** A server with one stream endpoint and one connected `ws` client; `raw` is the client's TCP socket (pause it to stall). */
async function openStream(options: { wsMaxBackpressure?: number } = {}, drain?: () => void) {
  const s = await startServer(options.wsMaxBackpressure === undefined ? {} : { options: { wsMaxBackpressure: options.wsMaxBackpressure } });
  let connection: WsConnection | null = null;
  s.server.add({ path: '/ws/stream', access: 'viewer', handler: { open: (c) => (connection = c), message: () => undefined, ...(drain ? { drain } : {}) } });
  const client = await connectWs(`${s.wsUrl}/ws/stream`, { headers: auth('viewer-token') });
  await waitFor(() => connection !== null);
  const raw = (client as unknown as { _socket: import('node:net').Socket })._socket;
  return { s, client, raw, conn: connection as unknown as WsConnection };
}

describe('UwsServer WebSocket backpressure', () => {
  test("send reports 'buffered' for a client that does not read, and drain fires once it does", async () => {
    let drains = 0;
    const { s, client, raw, conn } = await openStream({}, () => drains++);
    raw.pause();
    let received = 0;
    client.on('message', (data: Buffer) => (received += data.length));
    const chunk = Buffer.alloc(64 * 1024, 7);
    const results: string[] = [];
    for (let i = 0; i < 2000 && !results.includes('buffered'); i++) results.push(conn.send(chunk));
    expect(results).toContain('buffered');
    expect(results).not.toContain('dropped');
    expect(results[0]).toBe('sent');
    expect(conn.bufferedAmount).toBeGreaterThan(0);
    raw.resume();
    await waitFor(() => drains > 0, 5000, 'drain');
    await waitFor(() => received === results.length * chunk.length, 5000, 'all bytes received');
    expect(conn.bufferedAmount).toBe(0);
    client.close();
    await s.server.close();
  });

  test("past wsMaxBackpressure send reports 'dropped' but the socket stays open", async () => {
    const { s, client, raw, conn } = await openStream({ wsMaxBackpressure: 256 * 1024 });
    raw.pause();
    const results: string[] = [];
    for (let i = 0; i < 2000 && !results.includes('dropped'); i++) results.push(conn.send(Buffer.alloc(64 * 1024)));
    expect(results).toContain('dropped');
    expect(conn.closed).toBe(false);
    client.terminate();
    await s.server.close();
  });
});

describe('UwsServer WebSocket large messages', () => {
  /** A message whose every 4 bytes depend on its sequence number, so a cut or shifted payload shows. */
  const numbered = (seq: number, length: number): Buffer => {
    const message = Buffer.alloc(length);
    for (let i = 0; i + 4 <= length; i += 4) message.writeUInt32BE((seq * 2654435761 + i) >>> 0, i);
    return message;
  };

  test('messages of 16 KiB and more (sent as fragments) arrive whole and in order, also under backpressure', async () => {
    const { s, client, raw, conn } = await openStream();
    const received: Buffer[] = [];
    client.on('message', (data: Buffer) => received.push(data));
    const sizes = [15 * 1024, 15 * 1024 + 1, 16 * 1024, 64 * 1024, 300_001, 1024 * 1024];
    const sent: Buffer[] = [];
    raw.pause(); // the kernel buffer fills and uWS queues the rest
    for (let round = 0; round < 8; round++) {
      for (const size of sizes) {
        const message = numbered(sent.length, size);
        expect(conn.send(message)).not.toBe('dropped');
        sent.push(message);
      }
      if (round === 3) conn.send(Buffer.from('small in between'), false);
    }
    expect(conn.bufferedAmount).toBeGreaterThan(0);
    raw.resume();
    await waitFor(() => received.length === sent.length + 1, 10_000, 'every message');
    const binary = received.filter((m) => m.toString('latin1') !== 'small in between');
    expect(binary.map((m) => m.length)).toEqual(sent.map((m) => m.length));
    binary.forEach((message, i) => expect(message.equals(sent[i])).toBe(true));
    client.close();
    await s.server.close();
  });

  test("over wsMaxBackpressure a large message is 'dropped' whole: the client never gets part of one", async () => {
    const { s, client, raw, conn } = await openStream({ wsMaxBackpressure: 256 * 1024 });
    const received: Buffer[] = [];
    client.on('message', (data: Buffer) => received.push(data));
    raw.pause();
    const accepted: Buffer[] = [];
    let dropped = 0;
    for (let seq = 0; seq < 400 && dropped < 5; seq++) {
      const message = numbered(seq, 100_000);
      if (conn.send(message) === 'dropped') dropped++;
      else if (dropped === 0) accepted.push(message);
    }
    expect(dropped).toBe(5);
    // Nothing accepted after the first drop either (it is still over the limit).
    raw.resume();
    await waitFor(() => received.length === accepted.length, 10_000, 'the accepted messages');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.length).toBe(accepted.length);
    received.forEach((message, i) => expect(message.equals(accepted[i])).toBe(true));
    expect(conn.closed).toBe(false);
    client.close();
    await s.server.close();
  });
});

describe('UwsServer shutdown', () => {
  test('close() closes every socket with 1001, ends SSE streams, stops listening; later use of a connection is harmless', async () => {
    const s = await startServer();
    s.server.addEventStream({ path: '/events', access: 'viewer', open: (_req, stream) => void stream.send('hi', 1) });
    const sse = await fetch(`${s.url}/events`, { headers: auth('viewer-token') });
    const sseBody = sse.text();
    const connections: WsConnection[] = [];
    const closeCodes: number[] = [];
    s.server.add({ path: '/ws', access: 'viewer', handler: { open: (c) => connections.push(c), message: () => undefined, close: (_c, code) => closeCodes.push(code) } });
    const sockets = await Promise.all([1, 2, 3].map(() => connectWs(`${s.wsUrl}/ws`, { headers: auth('viewer-token') })));
    await waitFor(() => connections.length === 3);
    const codes = Promise.all(sockets.map(closed));
    await s.server.close();
    expect((await codes).map((c) => c.code)).toEqual([1001, 1001, 1001]);
    expect(closeCodes).toEqual([1001, 1001, 1001]);
    expect(await sseBody).toContain('event: hi'); // the stream ended, so the body completed
    for (const c of connections) {
      expect(c.closed).toBe(true);
      expect(c.send(Buffer.from('x'))).toBe('dropped');
      expect(c.bufferedAmount).toBe(0);
      expect(() => c.close()).not.toThrow();
      let ran = false;
      c.cork(() => (ran = true));
      expect(ran).toBe(true);
    }
    await expect(fetch(`${s.url}/anything`)).rejects.toThrow();
    await s.server.close(); // idempotent
    const refused = new WebSocket(`${s.wsUrl}/ws`);
    await new Promise((resolve) => refused.once('error', resolve));
  });
});
