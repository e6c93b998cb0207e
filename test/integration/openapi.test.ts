import type { RouteInfo } from '../../src/plugin-api';
import { startAuthAgent, type AuthAgent } from '../auth/auth-harness';

type Operation = {
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  parameters?: { name: string; in: string; schema: unknown }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  security: Record<string, unknown>[];
  'x-websocket'?: boolean;
};

/** Routes that take no body by design (the path or the credential says it all). */
const BODILESS = ['POST /api/auth/logout', 'POST /api/tunnels/{id}/start', 'POST /api/tunnels/{id}/stop'];

describe('OpenAPI description and response schemas, over every registered route', () => {
  let agent: AuthAgent;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any>; securitySchemes: Record<string, unknown> } };
  let routes: RouteInfo[];

  beforeAll(async () => {
    agent = await startAuthAgent();
    const res = await agent.api('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
    routes = agent.routes();
  });
  afterAll(() => agent.stop());

  const operations = (): [string, string, Operation][] =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]): [string, string, Operation] => [method.toUpperCase(), path, op]));

  test('every API operation documents a 2xx response schema, unless it streams, upgrades, answers raw content or nothing (204)', () => {
    expect(operations().length).toBeGreaterThan(25);
    for (const [method, path, op] of operations()) {
      const [status, success] = Object.entries(op.responses).find(([code]) => code.startsWith('2') || code === '101')!;
      const contentTypes = Object.keys(success.content ?? {});
      const raw = contentTypes.some((type) => !type.startsWith('application/json'));
      if (op['x-websocket'] || status === '204' || raw) continue;
      expect({ operation: `${method} ${path}`, schema: success.content?.['application/json']?.schema }).toEqual({ operation: `${method} ${path}`, schema: expect.any(Object) });
    }
  });

  test('every POST/PUT/PATCH with a body documents it, with the 400 it may cause; path parameters have schemas', () => {
    for (const [method, path, op] of operations()) {
      if (['POST', 'PUT', 'PATCH'].includes(method) && !BODILESS.includes(`${method} ${path}`)) {
        expect({ operation: `${method} ${path}`, body: op.requestBody?.content['application/json'].schema }).toEqual({ operation: `${method} ${path}`, body: expect.any(Object) });
        expect(op.responses['400']).toBeDefined();
      }
      for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
        expect(op.parameters?.find((p) => p.name === name && p.in === 'path')?.schema).toMatchObject({ type: 'string' });
      }
    }
    // Optional bodies (a bare POST makes a default session or ticket) are documented as optional.
    expect(doc.paths['/api/sessions'].post.requestBody?.required).toBe(false);
    expect(doc.paths['/api/auth/login'].post.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { required: ['password'] } } } });
    expect(doc.paths['/api/auth/login'].post.responses['200'].content?.['application/json'].schema).toMatchObject({ properties: { token: { type: 'string' }, refreshToken: { type: 'string' } } });
    expect(doc.paths['/api/info'].get.responses['200'].content?.['application/json'].schema).toMatchObject({ properties: { websocketUrl: { type: 'string' }, protocol: { const: 1 } } });
  });

  test('the Error schema has details, with the field issue shape of a 400', () => {
    expect(doc.components.schemas.Error.properties.error.properties).toHaveProperty('details');
    expect(doc.components.schemas.FieldIssue).toMatchObject({ required: ['path', 'message'] });
  });

  test('web assets are served but are not API operations; every /api route is listed', () => {
    const assets = routes.filter((route) => route.doc === false);
    expect(assets.map((route) => route.path)).toContain('/');
    for (const route of assets) expect(doc.paths[route.path]).toBeUndefined();
    expect(Object.keys(doc.paths).filter((path) => !path.startsWith('/api/'))).toEqual(['/metrics', '/ws']);
    for (const route of routes.filter((r) => r.path.startsWith('/api/'))) {
      expect(doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()]).toBeDefined();
    }
  });

  test('/ws lists every credential it accepts: bearer header, bearer subprotocol, ticket subprotocol', () => {
    const ws = doc.paths['/ws'].get;
    expect(ws['x-websocket']).toBe(true);
    expect(ws.security).toEqual([{ bearer: [] }, { bearerSubprotocol: [] }, { wsTicket: [] }]);
    expect(JSON.stringify(doc.components.securitySchemes)).toMatch(/tunnelforge\.bearer\.<token>.*tunnelforge\.ticket\.<ticket>/);
  });

  test('responses of a sample of routes conform to their response schemas (checked here, not on the hot path)', async () => {
    const checked: string[] = [];
    const check = async (method: string, path: string, pattern: string, body?: unknown): Promise<any> => {
      const route = routes.find((r) => r.method === method && r.path === pattern)!;
      const res = await agent.api(method, path, body);
      expect(res.status >= 200 && res.status < 300 ? 'ok' : `${method} ${path}: ${res.status}`).toBe('ok');
      const parsed = route.schema!.response!.safeParse(res.body);
      expect({ route: `${method} ${pattern}`, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ route: `${method} ${pattern}`, issues: [] });
      checked.push(`${method} ${pattern}`);
      return res.body;
    };
    // Every parameterless GET with a JSON response schema.
    for (const route of routes.filter((r) => r.kind === 'http' && r.method === 'GET' && !r.path.includes(':') && r.schema?.response)) {
      await check('GET', route.path, route.path);
    }
    const session = await check('POST', '/api/sessions', '/api/sessions', { command: ['cat'], cwd: '/' });
    await check('GET', `/api/sessions/${session.id}`, '/api/sessions/:id');
    await check('PATCH', `/api/sessions/${session.id}`, '/api/sessions/:id', { name: 'conforming' });
    await check('POST', `/api/sessions/${session.id}/resize`, '/api/sessions/:id/resize', { cols: 100, rows: 30 });
    await check('POST', `/api/sessions/${session.id}/share`, '/api/sessions/:id/share', {});
    await check('POST', '/api/auth/ws-ticket', '/api/auth/ws-ticket');
    await check('POST', '/api/tokens', '/api/tokens', { name: 'sample', role: 'viewer', expiresIn: '1d' });
    await check('POST', '/api/power', '/api/power', { hold: true, reason: 'schema test' });
    await check('POST', '/api/power', '/api/power', { hold: false });
    const login = await agent.login(agent.adminPassword!);
    expect(routes.find((r) => r.path === '/api/auth/login')!.schema!.response!.safeParse(login.body).success).toBe(true);
    await check('POST', '/api/auth/refresh', '/api/auth/refresh', { refreshToken: login.body.refreshToken });
    await check('DELETE', `/api/sessions/${session.id}`, '/api/sessions/:id');
    expect(checked).toEqual(expect.arrayContaining(['GET /api/info', 'GET /api/sessions', 'GET /api/monitor', 'GET /api/tunnels', 'GET /api/plugins', 'GET /api/openapi.json']));
  });
});
