import { connect, type Socket } from 'node:net';
import { auth, startServer, waitFor, type Started } from './transport-test-kit';

/** A raw HTTP/1.1 client: what a misbehaving or slow client really sends. */
function rawConnect(port: number): Promise<{ socket: Socket; response: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1');
    const ended = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined); // the server may reset a connection it refused
    socket.once('connect', () => resolve({ socket, response: () => received, ended }));
    socket.once('error', reject);
  });
}

describe('UwsServer request bodies', () => {
  let s: Started;
  const bodies: unknown[] = [];
  beforeAll(async () => {
    s = await startServer({ options: { maxBodyBytes: 64 * 1024 } });
    s.server.add({ method: 'POST', path: '/echo', access: 'writer', handler: (req) => { bodies.push(req.body); return { json: { body: req.body ?? null, type: typeof req.body } }; } });
    s.server.add({ method: 'POST', path: '/small', access: 'writer', maxBodyBytes: 10, handler: (req) => ({ json: req.body }) });
    s.server.add({ method: 'POST', path: '/public', access: 'public', handler: (req) => ({ json: req.body }) });
  });
  afterAll(() => s.server.close());
  const post = (path: string, body: RequestInit['body'], headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${s.url}${path}`, { method: 'POST', body, headers: { ...auth('writer-token'), ...headers }, duplex: 'half' } as RequestInit);

  test('a JSON body reaches the handler parsed; an empty body is undefined', async () => {
    const res = await post('/echo', JSON.stringify({ a: [1, 2], __proto__: { polluted: true } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { a: [1, 2] }, type: 'object' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const empty = await post('/echo', undefined, {});
    expect(await empty.json()).toEqual({ body: null, type: 'undefined' });
    const vendorJson = await post('/echo', '"x"', { 'content-type': 'application/vnd.tunnelforge+json; charset=utf-8' });
    expect(await vendorJson.json()).toEqual({ body: 'x', type: 'string' });
  });

  test('malformed JSON → 400 TF_ERR_BAD_JSON, never reaching the handler', async () => {
    const before = bodies.length;
    for (const bad of ['{"a":', 'undefined', '\xff\xfe']) {
      const res = await post('/echo', bad);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'TF_ERR_BAD_JSON', message: expect.any(String) } });
    }
    expect(bodies.length).toBe(before);
  });

  test('a non-JSON content type on a body → 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post('/echo', 'a=1', { 'content-type': type });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TF_ERR_UNSUPPORTED_MEDIA_TYPE');
    }
    const none = await fetch(`${s.url}/echo`, { method: 'POST', body: new Uint8Array([123, 125]), headers: auth('writer-token') });
    expect(none.status).toBe(415);
  });

  test('413 from the Content-Length header alone, before any body byte is sent', async () => {
    const client = await rawConnect(s.port);
    client.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n');
    await waitFor(() => client.response().includes('\r\n\r\n'), 3000, '413 response');
    expect(client.response()).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.response()).toContain('TF_ERR_PAYLOAD_TOO_LARGE');
    await client.ended; // the server closes: it will not read the rest
  });

  test('413 for a chunked body as soon as the limit is passed, and the route limit applies', async () => {
    const client = await rawConnect(s.port);
    client.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    for (let i = 0; i < 64 && !client.response().includes('413'); i++) {
      if (client.socket.destroyed) break;
      client.socket.write(`${chunk.length.toString(16)}\r\n`);
      client.socket.write(chunk);
      client.socket.write('\r\n');
      sent += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await waitFor(() => client.response().includes('\r\n\r\n'), 3000, '413 response');
    expect(client.response()).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThanOrEqual(64 * 1024 + 3 * chunk.length); // stopped right after the 64 KiB limit, not at 1 MiB
    client.socket.destroy();
    const small = await post('/small', JSON.stringify('01234567890'));
    expect(small.status).toBe(413);
    const fits = await post('/small', JSON.stringify('0123'));
    expect(await fits.json()).toBe('0123');
    const chunked = await post(
      '/small',
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('"0123'));
          c.enqueue(new TextEncoder().encode('456789"'));
          c.close();
        },
      }),
    );
    expect(chunked.status).toBe(413);
  });

  test('a malformed Content-Length is a 400', async () => {
    const client = await rawConnect(s.port);
    client.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}');
    let ended = false;
    void client.ended.then(() => (ended = true));
    // Poll for either, so no poller outlives the test (it would keep jest waiting).
    await waitFor(() => ended || client.response().includes('\r\n\r\n'), 3000, 'a response or the close');
    // uWS may refuse it itself (closing the connection); if it reaches us we answer 400.
    expect(client.response() === '' || /^HTTP\/1\.1 400 /.test(client.response())).toBe(true);
    client.socket.destroy();
  });

  test('auth comes before body parsing: an unauthenticated malformed upload gets 401, public routes need no credentials', async () => {
    const res = await fetch(`${s.url}/echo`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    const pub = await fetch(`${s.url}/public`, { method: 'POST', body: '[1]', headers: { 'content-type': 'application/json' } });
    expect(await pub.json()).toEqual([1]);
  });

  test('a client that goes away mid-body or mid-handler does not crash the server', async () => {
    const client = await rawConnect(s.port);
    client.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"partial":');
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.socket.destroy();

    let finished = false;
    const route = s.server.add({
      method: 'GET',
      path: '/slow',
      access: 'public',
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
        return { json: 'too late' }; // the transport must not write to the aborted response
      },
    });
    const controller = new AbortController();
    const pending = fetch(`${s.url}/slow`, { signal: controller.signal }).catch((error: Error) => error.name);
    await new Promise((resolve) => setTimeout(resolve, 30));
    controller.abort();
    expect(await pending).toBe('AbortError');
    await waitFor(() => finished, 3000, 'slow handler');
    await waitFor(() => s.log.lines.some((l) => l.msg === 'http request' && l.fields.path === '/slow' && l.fields.status === 'aborted'), 3000, 'aborted log line');
    const after = await post('/echo', '{"still":"alive"}');
    expect(await after.json()).toEqual({ body: { still: 'alive' }, type: 'object' });
    route.dispose();
  });
});
