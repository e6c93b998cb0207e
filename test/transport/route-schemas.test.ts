import { z } from 'zod';
import { defineRoute, HttpError, type RouteRequest } from '../../src/plugin-api/http-routes';
import { auth, startServer, type Started } from './transport-test-kit';

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const thing = defineRoute({
  method: 'POST',
  path: '/api/things/:n',
  access: 'writer',
  schema: {
    params: z.object({ n: z.coerce.number().int().min(1) }),
    query: z.object({ limit: z.coerce.number().int().max(100).default(10), tag: z.array(z.string()).optional(), mode: z.enum(['a', 'b']).optional() }),
    body: z.strictObject({ cols: z.number().int(), name: z.string().trim().min(1) }),
    response: z.object({ n: z.number(), limit: z.number(), tag: z.array(z.string()), mode: z.string().nullable(), cols: z.number(), name: z.string() }),
  },
  handler: ({ params, query, body }) => ({ json: { n: params.n, limit: query.limit, tag: query.tag ?? [], mode: query.mode ?? null, cols: body.cols, name: body.name } }),
});

// Compile-time checks (`npm run typecheck`): the handler's types flow from the schemas.
export function typeChecks(request: RouteRequest<NonNullable<typeof thing.schema>>): void {
  const n: number = request.params.n;
  const tags: string[] | undefined = request.query.tag;
  // @ts-expect-error the body has no such field
  void request.body.rows;
  void defineRoute({
    method: 'GET',
    path: '/x',
    access: 'viewer',
    schema: { response: z.object({ count: z.number() }) },
    // @ts-expect-error json must fit the response schema
    handler: () => ({ json: { count: 'many' } }),
  });
  void [n, tags];
}

describe('route schemas: params, query and body validated once, typed in handlers', () => {
  let s: Started;
  const post = (path: string, body: string | undefined, token = 'writer-token'): Promise<Response> =>
    fetch(`${s.url}${path}`, { method: 'POST', headers: { ...auth(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body });

  beforeAll(async () => {
    s = await startServer();
    s.server.add(thing);
    s.server.add({
      method: 'POST',
      path: '/api/optional-body',
      access: 'writer',
      schema: { body: z.object({ minutes: z.number().int().optional() }).default({}) },
      handler: (request) => ({ json: { minutes: request.body.minutes ?? 5 } }),
    });
    s.server.add({
      method: 'GET',
      path: '/api/limited',
      access: 'public',
      handler: () => {
        throw new HttpError(429, 'TF_ERR_RATE_LIMITED', 'slow down', undefined, { 'retry-after': '7' });
      },
    });
  });
  afterAll(() => s.server.close());

  test('the handler receives coerced params, query (defaults, arrays) and body', async () => {
    const res = await post('/api/things/42?tag=x&mode=b', JSON.stringify({ cols: 80, name: '  spaced  ' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 42, limit: 10, tag: ['x'], mode: 'b', cols: 80, name: 'spaced' });
    const repeated = await post('/api/things/1?tag=x&tag=y&limit=3', JSON.stringify({ cols: 1, name: 'a' }));
    expect(await repeated.json()).toMatchObject({ n: 1, limit: 3, tag: ['x', 'y'] });
  });

  test.each([
    ['params', '/api/things/zero', { cols: 1, name: 'a' }, ['params.n']],
    ['query', '/api/things/1?limit=500', { cols: 1, name: 'a' }, ['query.limit']],
    ['a repeated single-valued query key', '/api/things/1?mode=a&mode=b', { cols: 1, name: 'a' }, ['query.mode']],
    ['a body field', '/api/things/1', { cols: 'wide', name: 'a' }, ['body.cols']],
    ['an unknown body field', '/api/things/1', { cols: 1, name: 'a', extra: true }, ['body']],
    ['all three at once', '/api/things/0?limit=x', { name: '' }, ['params.n', 'query.limit', 'body.cols', 'body.name']],
  ])('bad %s: 400 TF_ERR_BAD_REQUEST with the field paths', async (_what, path, body, paths) => {
    const res = await post(path, JSON.stringify(body));
    expect(res.status).toBe(400);
    const reply = (await res.json()) as ErrorBody;
    expect(reply.error.code).toBe('TF_ERR_BAD_REQUEST');
    expect(reply.error.message).toMatch(new RegExp(`^Invalid ${paths[0].replace('.', '\\.')}: `));
    expect(reply.error.details!.map((d) => d.path)).toEqual(paths);
    for (const detail of reply.error.details!) expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  test('a missing body fails a required body schema at path "body"; an optional one gets its default', async () => {
    const missing = (await (await post('/api/things/1', undefined)).json()) as ErrorBody;
    expect(missing.error.details).toEqual([{ path: 'body', message: expect.any(String) }]);
    expect(await (await post('/api/optional-body', undefined)).json()).toEqual({ minutes: 5 });
    expect(await (await post('/api/optional-body', '{"minutes":2}')).json()).toEqual({ minutes: 2 });
  });

  test('malformed JSON stays TF_ERR_BAD_JSON, in the same envelope', async () => {
    const res = await post('/api/things/1', '{"cols": 1,');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'TF_ERR_BAD_JSON', message: 'Request body is not valid JSON' } });
  });

  test('validation runs after auth: an unauthenticated or under-privileged caller learns nothing of the schema', async () => {
    expect((await fetch(`${s.url}/api/things/zero`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await post('/api/things/zero', '{}', 'viewer-token')).status).toBe(403);
  });

  test('HttpError headers reach the response', async () => {
    const res = await fetch(`${s.url}/api/limited`);
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
    expect(await res.json()).toEqual({ error: { code: 'TF_ERR_RATE_LIMITED', message: 'slow down' } });
  });

  test('a schema that is not zod, or an unknown schema part, is refused at registration', () => {
    const bad = (schema: unknown) => () => s.server.add({ method: 'GET', path: '/api/bad-schema', access: 'viewer', schema: schema as never, handler: () => ({}) });
    expect(bad({ body: { type: 'object' } })).toThrow(/schema\.body must be a zod schema/);
    expect(bad({ headers: z.object({}) })).toThrow(/unknown schema part "headers"/);
  });
});
