import { connect } from 'node:net';
import { HttpError } from '../../src/plugin-api/http-routes';
import type { HttpRequest } from '../../src/plugin-api/http-routes';
import { auth, startServer, waitFor, type Started } from './transport-test-kit';

describe('UwsServer HTTP routing', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
    s.server.add({ method: 'GET', path: '/api/items/:id', access: 'viewer', handler: (req) => ({ json: { id: req.params.id, q: req.query.q } }) });
    s.server.add({ method: 'GET', path: '/api/items/new', access: 'viewer', handler: () => ({ json: { special: true } }) });
    s.server.add({ method: 'POST', path: '/api/items/:id/tags/:tag', access: 'writer', handler: (req) => ({ status: 201, json: { params: req.params } }) });
    s.server.add({ method: 'GET', path: '/api/text', access: 'public', handler: () => ({ text: 'hello' }) });
    s.server.add({ method: 'GET', path: '/api/bytes', access: 'public', handler: () => ({ body: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'application/x-test' } }) });
    s.server.add({ method: 'GET', path: '/api/override', access: 'public', handler: () => ({ json: {}, headers: { 'X-Frame-Options': 'SAMEORIGIN', 'x-custom': 'yes', 'x-bad': 'a\r\nset-cookie: x=1' } }) });
    s.server.add({ method: 'GET', path: '/api/empty', access: 'public', handler: () => ({ status: 204 }) });
    s.server.add({ method: 'GET', path: '/api/http-error', access: 'public', handler: () => { throw new HttpError(409, 'TF_ERR_CONFLICT', 'Already there', { which: 1 }); } });
    s.server.add({ method: 'GET', path: '/api/bug', access: 'public', handler: () => { throw new Error('secret internal detail'); } });
    s.server.add({ method: 'GET', path: '/api/bad-result', access: 'public', handler: () => ({ json: 1, text: 'x' }) });
  });
  afterAll(() => s.server.close());

  test('matches :params (decoded) and the query; the most specific pattern wins', async () => {
    const res = await fetch(`${s.url}/api/items/a%20b?q=x`, { headers: auth('viewer-token') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ id: 'a b', q: 'x' });
    const special = await fetch(`${s.url}/api/items/new`, { headers: auth('viewer-token') });
    expect(await special.json()).toEqual({ special: true });
    const post = await fetch(`${s.url}/api/items/7/tags/red`, { method: 'POST', headers: auth('writer-token') });
    expect(post.status).toBe(201);
    expect(await post.json()).toEqual({ params: { id: '7', tag: 'red' } });
  });

  test('unknown path → 404 and wrong method → 405 with Allow, both in the one error shape', async () => {
    const missing = await fetch(`${s.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await missing.json()).toEqual({ error: { code: 'TF_ERR_NOT_FOUND', message: expect.any(String) } });
    const wrong = await fetch(`${s.url}/api/text`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(await wrong.json()).toEqual({ error: { code: 'TF_ERR_METHOD_NOT_ALLOWED', message: expect.any(String) } });
    // Matching is exact: a trailing slash is another path.
    expect((await fetch(`${s.url}/api/text/`)).status).toBe(404);
  });

  test('security headers on every response; strict CSP only for non-JSON; handlers may override', async () => {
    for (const path of ['/api/text', '/nope', '/api/override']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    const text = await fetch(`${s.url}/api/text`);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(text.headers.get('x-frame-options')).toBe('DENY');
    expect(await text.text()).toBe('hello');
    const json = await fetch(`${s.url}/nope`);
    expect(json.headers.get('content-security-policy')).toBeNull();
    const overridden = await fetch(`${s.url}/api/override`);
    expect(overridden.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(overridden.headers.get('x-custom')).toBe('yes');
    expect(overridden.headers.get('x-bad')).toBeNull(); // CR/LF in a value: dropped, not split
    expect(overridden.headers.get('set-cookie')).toBeNull();
  });

  test('HEAD gets the GET headers and length but no body, so keep-alive stays in sync', async () => {
    const client = connect(s.port, '127.0.0.1');
    let wire = '';
    client.on('data', (chunk) => (wire += chunk.toString('latin1')));
    client.write('HEAD /api/text HTTP/1.1\r\nHost: x\r\n\r\nHEAD /nope HTTP/1.1\r\nHost: x\r\n\r\nGET /api/text HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor(() => wire.endsWith('hello'), 3000, 'three responses');
    const responses = wire.split(/(?=HTTP\/1\.1 )/);
    expect(responses.map((r) => r.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 200 OK']);
    expect(responses[0]).toMatch(/\r\ncontent-length: 5\r\n/i);
    expect(responses[0]).toMatch(/\r\n\r\n$/);
    expect(responses[1]).toMatch(/\r\n\r\n$/);
    expect(responses[0].match(/content-length/gi)).toHaveLength(1);
    client.destroy();
  });

  test('raw bytes keep their content type; 204 has no body', async () => {
    const bytes = await fetch(`${s.url}/api/bytes`);
    expect(bytes.headers.get('content-type')).toBe('application/x-test');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
    const empty = await fetch(`${s.url}/api/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  test('HttpError becomes its status/code; any other throw a generic 500 that leaks nothing', async () => {
    const conflict = await fetch(`${s.url}/api/http-error`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: { code: 'TF_ERR_CONFLICT', message: 'Already there', details: { which: 1 } } });
    const bug = await fetch(`${s.url}/api/bug`);
    expect(bug.status).toBe(500);
    const body = await bug.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'TF_ERR_INTERNAL', message: 'Internal server error' } });
    expect(body).not.toContain('secret');
    expect(s.log.lines.some((l) => l.level === 'error' && l.fields.error === 'secret internal detail')).toBe(true);
    const bad = await fetch(`${s.url}/api/bad-result`);
    expect(bad.status).toBe(500);
  });

  test('a handler that awaits before answering sees the request data copied before the await', async () => {
    let seen: HttpRequest | null = null;
    const route = s.server.add({
      method: 'GET',
      path: '/api/slow/:name',
      access: 'viewer',
      handler: async (req) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        seen = req;
        return { json: { name: req.params.name, header: req.headers['x-thing'], q: req.searchParams.get('a'), method: req.method, path: req.path, who: req.principal?.id, from: req.remoteAddress } };
      },
    });
    const results = await Promise.all(
      ['one', 'two', 'three'].map((name) => fetch(`${s.url}/api/slow/${name}?a=${name}`, { headers: { ...auth('viewer-token'), 'X-Thing': `t-${name}` } }).then((r) => r.json())),
    );
    expect(results).toEqual(
      ['one', 'two', 'three'].map((name) => ({ name, header: `t-${name}`, q: name, method: 'GET', path: `/api/slow/${name}`, who: 'user-viewer', from: '127.0.0.1' })),
    );
    expect(seen).not.toBeNull();
    route.dispose();
  });

  test('routes can be added and removed after listen; a duplicate method+path is refused', async () => {
    const route = s.server.add({ method: 'PUT', path: '/api/late/:x', access: 'public', handler: () => ({ json: 'late' }) });
    expect((await fetch(`${s.url}/api/late/1`, { method: 'PUT' })).status).toBe(200);
    expect(() => s.server.add({ method: 'PUT', path: '/api/late/:y', access: 'public', handler: () => ({}) })).toThrow(/TF_ERR_ROUTE_CONFLICT/);
    route.dispose();
    route.dispose();
    expect((await fetch(`${s.url}/api/late/1`, { method: 'PUT' })).status).toBe(404);
    expect(() => s.server.add({ method: 'GET', path: 'no-slash', access: 'public', handler: () => ({}) })).toThrow(TypeError);
    expect(() => s.server.add({ method: 'GET', path: '/x', access: 'root' as never, handler: () => ({}) })).toThrow(TypeError);
  });

  test('the request log has method, path, status and time, never headers or query', async () => {
    await fetch(`${s.url}/api/items/9?token=query-secret`, { headers: auth('viewer-token') });
    const line = s.log.lines.find((l) => l.msg === 'http request' && l.fields.path === '/api/items/9');
    expect(line).toMatchObject({ level: 'debug', fields: { method: 'GET', path: '/api/items/9', status: 200, ms: expect.any(Number) } });
    const everything = JSON.stringify(s.log.lines);
    expect(everything).not.toContain('viewer-token');
    expect(everything).not.toContain('query-secret');
  });
});

describe('UwsServer CORS', () => {
  test('no Access-Control headers at all unless configured', async () => {
    const s = await startServer();
    s.server.add({ method: 'GET', path: '/a', access: 'public', handler: () => ({ json: 1 }) });
    const res = await fetch(`${s.url}/a`, { headers: { origin: 'https://app.example' } });
    expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const preflight = await fetch(`${s.url}/a`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    await s.server.close();
  });

  test('configured origins get CORS headers and preflight answers; others do not', async () => {
    const s = await startServer({ options: { cors: { origins: ['https://app.example'] } } });
    s.server.add({ method: 'POST', path: '/a/:id', access: 'writer', handler: () => ({ json: 1 }) });
    s.server.add({ method: 'GET', path: '/a/:id', access: 'viewer', handler: () => ({ json: 2 }) });
    const preflight = await fetch(`${s.url}/a/1`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const allowed = await fetch(`${s.url}/a/1`, { headers: { origin: 'https://app.example', ...auth('viewer-token') } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('vary')).toBe('origin');
    const other = await fetch(`${s.url}/a/1`, { headers: { origin: 'https://evil.example', ...auth('viewer-token') } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPreflight = await fetch(`${s.url}/a/1`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(otherPreflight.status).toBe(405);
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
    await s.server.close();
  });
});
