import { checkWebSocketOrigin } from '../../src/transport/origin-policy';
import { roleAllows } from '../../src/transport/auth-chain';
import { PathPattern, RouteTable } from '../../src/transport/route-table';

describe('PathPattern', () => {
  test('matches segment by segment and decodes parameters', () => {
    const p = new PathPattern('/api/tunnels/:id/start');
    expect(p.match('/api/tunnels/a%2Fb/start')?.params).toEqual({ id: 'a/b' });
    expect(p.match('/api/tunnels//start')).toBeNull();
    expect(p.match('/api/tunnels/x/start/')).toBeNull();
    expect(p.match('/api/tunnels/%E0%A4%A/start')).toBeNull(); // malformed escape: no match, no throw
    expect(new PathPattern('/').match('/')?.params).toEqual({});
    expect(new PathPattern('/x/:__proto__').match('/x/y')?.params).toEqual(Object.defineProperty({}, '__proto__', { value: 'y', enumerable: true }));
  });

  test('rejects malformed patterns', () => {
    for (const bad of ['', 'x', '/a/:', '/a/:1x', '/a/:id/:id', '/a b', '/a/*']) expect(() => new PathPattern(bad)).toThrow(TypeError);
  });
});

describe('RouteTable', () => {
  test('specific beats parameter, per method; 405 lists every method of the path', () => {
    const table = new RouteTable<string>();
    table.add('GET', '/s/:id', 'get-id');
    const removeNew = table.add('POST', '/s/new', 'post-new');
    expect(table.lookup('POST', '/s/new')).toMatchObject({ kind: 'found', value: 'post-new' });
    expect(table.lookup('GET', '/s/new')).toMatchObject({ kind: 'found', value: 'get-id', params: { id: 'new' } });
    expect(table.lookup('DELETE', '/s/new')).toEqual({ kind: 'method-not-allowed', allowed: ['GET', 'POST'] });
    expect(table.lookup('GET', '/t')).toEqual({ kind: 'not-found' });
    expect(() => table.add('GET', '/s/:other', 'dup')).toThrow(/TF_ERR_ROUTE_CONFLICT/);
    removeNew();
    removeNew();
    expect(table.lookup('POST', '/s/new')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
  });
});

describe('roleAllows', () => {
  test('admin > writer > viewer; unknown roles allow nothing', () => {
    expect(roleAllows('admin', 'writer')).toBe(true);
    expect(roleAllows('writer', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
    expect(roleAllows('root', 'viewer')).toBe(false);
    expect(roleAllows('toString', 'viewer')).toBe(false);
  });
});

describe('checkWebSocketOrigin', () => {
  const host = { host: 'agent.local:4020' };
  test('own origin and listed origins pass; scheme, port and host must match', () => {
    expect(checkWebSocketOrigin({ ...host, origin: 'http://agent.local:4020' }, [], false).ok).toBe(true);
    expect(checkWebSocketOrigin({ ...host, origin: 'https://agent.local:4020' }, [], false).ok).toBe(false);
    expect(checkWebSocketOrigin({ ...host, origin: 'http://agent.local:4021' }, [], false).ok).toBe(false);
    expect(checkWebSocketOrigin({ ...host, origin: 'https://ui.example' }, ['https://ui.example'], false).ok).toBe(true);
    expect(checkWebSocketOrigin({ ...host, origin: 'null' }, ['null'], false).ok).toBe(false);
    expect(checkWebSocketOrigin({ ...host, origin: '' }, [], false).ok).toBe(false);
  });

  test('missing Origin: fine for non-browser clients, refused with Sec-Fetch markers', () => {
    expect(checkWebSocketOrigin(host, [], false).ok).toBe(true);
    expect(checkWebSocketOrigin({ ...host, 'sec-fetch-site': 'same-origin' }, [], false).ok).toBe(false);
    expect(checkWebSocketOrigin({ ...host, 'sec-fetch-mode': 'websocket' }, [], false).ok).toBe(false);
  });

  test('forwarded proto/host count only with trustProxy', () => {
    const viaTunnel = { host: '127.0.0.1:4020', origin: 'https://abc.trycloudflare.com', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'abc.trycloudflare.com' };
    expect(checkWebSocketOrigin(viaTunnel, [], false).ok).toBe(false);
    expect(checkWebSocketOrigin(viaTunnel, [], true).ok).toBe(true);
  });
});
