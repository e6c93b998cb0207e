import type { AuthRequest, AuthResult, Authenticator } from '../../src/plugin-api/authenticator';
import { auth, bearerAuthenticator, startServer, TOKENS, type Started } from './transport-test-kit';

type ErrorBody = { error: { code: string; message: string } };

/** An authenticator with a fixed verdict that records what it saw. */
function fixed(id: string, verdict: AuthResult | (() => never) | (() => Promise<AuthResult>), seen: AuthRequest[] = []): Authenticator {
  return {
    id,
    authenticate(request) {
      seen.push(request);
      return typeof verdict === 'function' ? verdict() : verdict;
    },
  };
}

describe('UwsServer auth chain on HTTP routes', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer({ chain: [] });
    for (const access of ['viewer', 'writer', 'admin'] as const) {
      s.server.add({ method: 'GET', path: `/need/${access}`, access, handler: (req) => ({ json: { principal: req.principal } }) });
    }
    s.server.add({ method: 'GET', path: '/open', access: 'public', handler: (req) => ({ json: { principal: req.principal } }) });
  });
  afterAll(() => s.server.close());
  const use = (...chain: Authenticator[]): void => {
    s.chain.splice(0, s.chain.length, ...chain); // the server re-reads the chain on every request
  };

  test('all pass (or an empty chain) → 401 with a Bearer challenge', async () => {
    use();
    let res = await fetch(`${s.url}/need/viewer`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tunnelforge"');
    expect(await res.json()).toEqual({ error: { code: 'TF_ERR_UNAUTHENTICATED', message: expect.any(String) } });
    use(fixed('a', { kind: 'pass' }), fixed('b', { kind: 'pass' }));
    res = await fetch(`${s.url}/need/viewer`);
    expect(res.status).toBe(401);
  });

  test('the first allow wins and its principal reaches the handler; later links are not asked', async () => {
    const later: AuthRequest[] = [];
    const first: AuthRequest[] = [];
    use(
      fixed('skip', { kind: 'pass' }, first),
      fixed('ok', async () => ({ kind: 'allow', principal: { id: 'alice', role: 'writer', via: 'ok' } })),
      fixed('never', { kind: 'deny', status: 403, code: 'TF_ERR_NOPE', message: 'no' }, later),
    );
    const res = await fetch(`${s.url}/need/writer?x=1`, { headers: { 'X-Probe': 'p' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ principal: { id: 'alice', role: 'writer', via: 'ok' } });
    expect(later).toHaveLength(0);
    expect(first[0]).toMatchObject({ surface: 'http', method: 'GET', path: '/need/writer', query: 'x=1', remoteAddress: '127.0.0.1' });
    expect(first[0].headers['x-probe']).toBe('p');
  });

  test('a deny stops the chain with its own status and code', async () => {
    const later: AuthRequest[] = [];
    use(fixed('limit', { kind: 'deny', status: 429, code: 'TF_ERR_RATE_LIMITED', message: 'slow down' }), fixed('ok', { kind: 'allow', principal: { id: 'x', role: 'admin', via: 'ok' } }, later));
    const res = await fetch(`${s.url}/need/viewer`);
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ error: { code: 'TF_ERR_RATE_LIMITED', message: 'slow down' } });
    expect(later).toHaveLength(0);
  });

  test('a throwing or malformed authenticator is a 401 deny, never a 500 and never an allow', async () => {
    const after: AuthRequest[] = [];
    use(fixed('boom', () => { throw new Error('db down'); }), fixed('ok', { kind: 'allow', principal: { id: 'x', role: 'admin', via: 'ok' } }, after));
    let res = await fetch(`${s.url}/need/viewer`);
    expect(res.status).toBe(401);
    expect(after).toHaveLength(0);
    expect(s.log.lines.some((l) => l.level === 'warn' && l.fields.authenticator === 'boom')).toBe(true);
    use(fixed('reject', () => Promise.reject(new Error('async boom'))));
    expect((await fetch(`${s.url}/need/viewer`)).status).toBe(401);
    use(fixed('bad-role', { kind: 'allow', principal: { id: 'x', role: 'root' as never, via: 'bad' } }));
    expect((await fetch(`${s.url}/need/viewer`)).status).toBe(401);
    use(fixed('garbage', { kind: 'maybe' } as never));
    expect((await fetch(`${s.url}/need/viewer`)).status).toBe(401);
    use(fixed('bad-status', { kind: 'deny', status: 200 as never, code: 'TF_ERR_X', message: 'x' }));
    expect((await fetch(`${s.url}/need/viewer`)).status).toBe(401);
  });

  test('roles: admin > writer > viewer; too low a role → 403 TF_ERR_FORBIDDEN', async () => {
    use(bearerAuthenticator(TOKENS));
    const expected: Record<string, Record<string, number>> = {
      'viewer-token': { viewer: 200, writer: 403, admin: 403 },
      'writer-token': { viewer: 200, writer: 200, admin: 403 },
      'admin-token': { viewer: 200, writer: 200, admin: 200 },
    };
    for (const [token, byAccess] of Object.entries(expected)) {
      for (const [access, status] of Object.entries(byAccess)) {
        const res = await fetch(`${s.url}/need/${access}`, { headers: auth(token) });
        expect({ token, access, status: res.status }).toEqual({ token, access, status });
        if (status === 403) expect(((await res.json()) as ErrorBody).error.code).toBe('TF_ERR_FORBIDDEN');
        else await res.arrayBuffer();
      }
    }
    const wrong = await fetch(`${s.url}/need/viewer`, { headers: auth('wrong-token') });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as ErrorBody).error.code).toBe('TF_ERR_BAD_TOKEN');
  });

  test('a token in the query string is not a credential', async () => {
    use(bearerAuthenticator(TOKENS));
    const res = await fetch(`${s.url}/need/viewer?token=admin-token&access_token=admin-token`);
    expect(res.status).toBe(401);
  });

  test('public routes skip the chain and get principal null', async () => {
    const seen: AuthRequest[] = [];
    use(fixed('deny-all', { kind: 'deny', status: 403, code: 'TF_ERR_NOPE', message: 'no' }, seen));
    const res = await fetch(`${s.url}/open`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ principal: null });
    expect(seen).toHaveLength(0);
  });
});
