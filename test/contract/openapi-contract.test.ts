import { createECDH, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { HttpRoutes } from 'tunnelforge/plugin';
import { startTestAgent, type TestAgent, type TestResponse } from 'tunnelforge/testkit';
import tunnelCloudflare from '../../plugins/tunnel-cloudflare/src';
import { hashPassword } from '../../src/plugins/auth-password/password-hash';
import { upgrade } from '../auth/auth-harness';
import { fakeBin, type FakeBin } from '../capabilities/support/fake-bin';
import { multipart } from '../files/files-harness';
import { ResponseValidator, validateOpenApiDocument, type OpenApiDocument } from './openapi-validator';

// The contract a client author builds on: /api/openapi.json, read without a credential, is a valid
// OpenAPI 3.1 document, and every operation in it answers what it says, success and errors alike.
// A route added without a case below fails "covers every operation"; one without a response schema
// fails "documents a body for every JSON success".

type Who = 'anonymous' | 'viewer' | 'writer' | 'admin' | { token: string };
interface Call {
  who: Who;
  /** Concrete path, e.g. `/api/sessions/abc`. */
  path: string;
  body?: unknown;
  /** The status this call must get. */
  status: number;
}
interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** A raw multipart body (uploads), sent as it is. */
class Form {
  readonly body: Buffer;
  readonly contentType: string;
  constructor(files: Array<{ name: string; data: string }>) {
    ({ body: this.body, contentType: this.contentType } = multipart(files));
  }
}

const PASSWORD = 'contract-password';
let agent: TestAgent;
let bin: FakeBin;
let tmp: string;
let doc: OpenApiDocument;
let validator: ResponseValidator;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tf-contract-'));
  mkdirSync(path.join(tmp, 'files', 'dir'), { recursive: true });
  writeFileSync(path.join(tmp, 'files', 'a.txt'), 'contract file');
  writeFileSync(path.join(tmp, 'files', 'delete-me.txt'), 'deleted by the DELETE /api/files case');
  writeFileSync(path.join(tmp, 'files', 'dir', 'keep.txt'), 'keeps dir non-empty');
  bin = fakeBin({ cloudflared: {} });
  const passwordHash = await hashPassword(PASSWORD, { N: 2 ** 14, r: 8, p: 1 });
  agent = await startTestAgent({
    plugins: [tunnelCloudflare],
    platform: bin.platform('linux'),
    config: {
      plugins: {
        'auth-password': { options: { users: [{ username: 'ada', role: 'admin', passwordHash }] } },
        files: { options: { roots: [path.join(tmp, 'files')] } },
      },
    },
  });
  const served = await agent.anonymous().get('/api/openapi.json');
  expect(served.status).toBe(200);
  doc = served.json as OpenApiDocument;
  validator = new ResponseValidator(doc);
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  bin?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

async function bearerOf(who: Who): Promise<string | null> {
  if (who === 'anonymous') return null;
  if (typeof who === 'object') return who.token;
  return agent.token(who);
}

/** One HTTP call; event streams are read up to their first bytes, then closed. */
async function send(method: string, route: string, who: Who, body?: unknown): Promise<Answer> {
  const token = await bearerOf(who);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const payload = body === undefined ? undefined : body instanceof Form ? body.body : JSON.stringify(body);
  const type = body instanceof Form ? body.contentType : 'application/json';
  if (payload !== undefined) Object.assign(headers, { 'content-type': type, 'content-length': String(Buffer.byteLength(payload)) });
  return new Promise((resolve, reject) => {
    const req = http.request(agent.url + route, { method, headers, agent: false }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      const chunks: Buffer[] = [];
      if (contentType.startsWith('text/event-stream')) {
        res.once('data', (chunk: Buffer) => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, contentType, text: chunk.toString('utf8') });
        });
        return;
      }
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${route}: no answer in 10 s`)));
    req.end(payload);
  });
}

/** Problems of one answer against the operation's documented responses. */
function conformance(template: string, method: string, answer: Answer): string[] {
  const op = doc.paths[template]?.[method];
  if (!op) return [`${method.toUpperCase()} ${template} is not in the document`];
  const response = op.responses[String(answer.status)];
  if (!response) return [`status ${answer.status} is not documented (documented: ${Object.keys(op.responses).join(', ')}): ${answer.text.slice(0, 200)}`];
  const types = Object.keys(response.content ?? {});
  if (types.length === 0) return answer.text === '' ? [] : [`status ${answer.status} is documented without a body, got ${answer.text.slice(0, 100)}`];
  const type = types.find((t) => answer.contentType.startsWith(t));
  if (!type) return [`content-type ${answer.contentType} is not documented (${types.join(', ')})`];
  if (type !== 'application/json') return [];
  let value: unknown;
  try {
    value = JSON.parse(answer.text);
  } catch {
    return [`not JSON: ${answer.text.slice(0, 100)}`];
  }
  return validator.check(['paths', template, method, 'responses', String(answer.status), 'content', type, 'schema'], value);
}

/** The calls that exercise each operation, keyed as `METHOD /path/{param}`. */
/** A device's Web Push subscription (PushSubscription.toJSON()) with real P-256 keys. */
function pushSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

function cases(fixtures: { session: string; exited: string; recorded: string; share: string; token: string; refresh: string; login: string; pairing: string; files: string; link: string; pushKept: string; pushDeleted: string }): Record<string, Call[]> {
  const s = fixtures.session;
  const f = (name: string) => encodeURIComponent(name === '' ? fixtures.files : `${fixtures.files}/${name}`);
  return {
    'GET /api/auth/config': [{ who: 'anonymous', path: '/api/auth/config', status: 200 }],
    'POST /api/auth/login': [
      { who: 'anonymous', path: '/api/auth/login', body: { username: 'ada', password: PASSWORD }, status: 200 },
      { who: 'anonymous', path: '/api/auth/login', body: { username: 'ada', password: 'wrong' }, status: 401 },
      { who: 'anonymous', path: '/api/auth/login', body: { user: 'ada' }, status: 400 },
    ],
    'POST /api/auth/refresh': [
      { who: 'anonymous', path: '/api/auth/refresh', body: { refreshToken: fixtures.refresh }, status: 200 },
      { who: 'anonymous', path: '/api/auth/refresh', body: { refreshToken: 'nope' }, status: 401 },
    ],
    'POST /api/auth/logout': [{ who: { token: fixtures.login }, path: '/api/auth/logout', status: 204 }],
    'GET /api/auth/me': [{ who: 'viewer', path: '/api/auth/me', status: 200 }],
    'POST /api/auth/ws-ticket': [
      { who: 'viewer', path: '/api/auth/ws-ticket', body: {}, status: 200 },
      { who: 'viewer', path: '/api/auth/ws-ticket', body: { sessionId: '' }, status: 400 },
    ],
    'GET /api/events': [{ who: 'viewer', path: '/api/events', status: 200 }],
    'GET /api/health': [{ who: 'anonymous', path: '/api/health', status: 200 }],
    'GET /api/info': [{ who: 'viewer', path: '/api/info', status: 200 }],
    'GET /api/monitor': [{ who: 'viewer', path: '/api/monitor', status: 200 }],
    'GET /api/monitor/stream': [{ who: 'viewer', path: '/api/monitor/stream', status: 200 }],
    'GET /api/openapi.json': [{ who: 'anonymous', path: '/api/openapi.json', status: 200 }],
    'GET /api/plugins': [{ who: 'admin', path: '/api/plugins', status: 200 }],
    'GET /api/power': [{ who: 'viewer', path: '/api/power', status: 200 }],
    'POST /api/power': [
      { who: 'admin', path: '/api/power', body: { hold: true, reason: 'contract test' }, status: 200 },
      { who: 'admin', path: '/api/power', body: { hold: false }, status: 200 },
      { who: 'admin', path: '/api/power', body: { hold: 'yes' }, status: 400 },
    ],
    'GET /api/settings': [
      { who: 'writer', path: '/api/settings', status: 200 },
      { who: 'viewer', path: '/api/settings', status: 403 },
    ],
    'PATCH /api/settings': [
      { who: 'admin', path: '/api/settings', body: { sessions: { quickStart: [{ name: 'top', command: ['top'] }] } }, status: 200 },
      { who: 'admin', path: '/api/settings', body: { sessions: { cols: 'wide' } }, status: 400 },
      { who: 'admin', path: '/api/settings', body: { nope: {} }, status: 400 },
      { who: 'writer', path: '/api/settings', body: { power: { policy: 'always' } }, status: 403 },
    ],
    'GET /api/session-host': [{ who: 'admin', path: '/api/session-host', status: 200 }],
    'POST /api/session-host/stop': [{ who: 'admin', path: '/api/session-host/stop', status: 200 }],
    'GET /api/sessions': [{ who: 'viewer', path: '/api/sessions', status: 200 }],
    'POST /api/sessions': [
      { who: 'writer', path: '/api/sessions', body: { command: ['sh', '-c', 'echo contract; sleep 30'], cols: 100, rows: 30 }, status: 201 },
      { who: 'writer', path: '/api/sessions', body: { cols: 0 }, status: 400 },
      { who: 'writer', path: '/api/sessions', body: { command: ['no-such-command-here'] }, status: 400 },
      { who: 'writer', path: '/api/sessions', body: { cwd: '/no/such/dir' }, status: 400 },
    ],
    'GET /api/sessions/{id}': [
      { who: 'viewer', path: `/api/sessions/${s}`, status: 200 },
      { who: 'viewer', path: '/api/sessions/unknown', status: 404 },
    ],
    'PATCH /api/sessions/{id}': [
      { who: 'writer', path: `/api/sessions/${s}`, body: { name: 'renamed' }, status: 200 },
      { who: 'writer', path: `/api/sessions/${s}`, body: { name: '   ' }, status: 400 },
    ],
    'DELETE /api/sessions/{id}': [
      { who: 'writer', path: `/api/sessions/${fixtures.exited}`, status: 204 },
      { who: 'writer', path: '/api/sessions/unknown', status: 404 },
    ],
    'POST /api/sessions/{id}/input': [
      { who: 'writer', path: `/api/sessions/${s}/input`, body: { text: 'x' }, status: 204 },
      { who: 'writer', path: `/api/sessions/${s}/input`, body: { key: 'enter' }, status: 204 },
      { who: 'writer', path: `/api/sessions/${s}/input`, body: { key: 'hyper' }, status: 400 },
    ],
    'POST /api/sessions/{id}/resize': [
      { who: 'writer', path: `/api/sessions/${s}/resize`, body: { cols: 90, rows: 20 }, status: 200 },
      { who: 'writer', path: `/api/sessions/${s}/resize`, body: { cols: 5000, rows: 20 }, status: 400 },
    ],
    'POST /api/sessions/{id}/share': [{ who: 'writer', path: `/api/sessions/${s}/share`, body: { expiresInMinutes: 5 }, status: 201 }],
    'GET /api/sessions/{id}/text': [{ who: 'viewer', path: `/api/sessions/${s}/text`, status: 200 }],
    'GET /api/sessions/{id}/recording': [
      { who: 'writer', path: `/api/sessions/${fixtures.recorded}/recording`, status: 200 },
      { who: 'writer', path: `/api/sessions/${s}/recording`, status: 404 },
      { who: 'writer', path: `/api/sessions/${s}/recording?part=newest`, status: 400 },
    ],
    'GET /api/shares': [
      { who: 'writer', path: '/api/shares', status: 200 },
      { who: 'writer', path: `/api/shares?sessionId=${s}`, status: 200 },
    ],
    'DELETE /api/shares/{id}': [
      { who: 'writer', path: `/api/shares/${fixtures.share}`, status: 204 },
      { who: 'writer', path: '/api/shares/unknown', status: 404 },
    ],
    'GET /api/tokens': [{ who: 'admin', path: '/api/tokens', status: 200 }],
    'POST /api/tokens': [
      { who: 'admin', path: '/api/tokens', body: { name: 'ci', role: 'viewer' }, status: 201 },
      { who: 'admin', path: '/api/tokens', body: { name: 'ci', role: 'root' }, status: 400 },
    ],
    'DELETE /api/tokens/{id}': [
      { who: 'admin', path: `/api/tokens/${fixtures.token}`, status: 204 },
      { who: 'admin', path: '/api/tokens/unknown', status: 404 },
    ],
    'GET /api/tunnels': [{ who: 'viewer', path: '/api/tunnels', status: 200 }],
    'POST /api/tunnels/{id}/start': [
      { who: 'admin', path: '/api/tunnels/cloudflare/start', status: 200 },
      { who: 'admin', path: '/api/tunnels/nope/start', status: 404 },
    ],
    'POST /api/tunnels/{id}/stop': [
      { who: 'admin', path: '/api/tunnels/cloudflare/stop', status: 200 },
      { who: 'admin', path: '/api/tunnels/nope/stop', status: 404 },
    ],
    'GET /api/logs': [
      { who: 'admin', path: '/api/logs?lines=5', status: 200 },
      { who: 'admin', path: '/api/logs?lines=0', status: 400 },
    ],
    'GET /api/logs/audit': [
      { who: 'admin', path: '/api/logs/audit?limit=5', status: 200 },
      { who: 'admin', path: '/api/logs/audit?limit=nope', status: 400 },
    ],
    'POST /api/pairing': [
      { who: 'admin', path: '/api/pairing', body: { role: 'viewer', name: 'phone' }, status: 201 },
      { who: 'admin', path: '/api/pairing', body: { role: 'root' }, status: 400 },
    ],
    'POST /api/pairing/claim': [
      { who: 'anonymous', path: '/api/pairing/claim', body: { code: fixtures.pairing, deviceName: 'contract phone' }, status: 201 },
      { who: 'anonymous', path: '/api/pairing/claim', body: { code: fixtures.pairing, deviceName: 'again' }, status: 401 },
      { who: 'anonymous', path: '/api/pairing/claim', body: { code: 'ABCD-EFGH' }, status: 400 },
    ],
    'GET /metrics': [{ who: 'viewer', path: '/metrics', status: 200 }],
    'GET /api/files/list': [
      { who: 'writer', path: `/api/files/list?path=${f('')}&limit=1`, status: 200 },
      { who: 'writer', path: `/api/files/list?path=${f('a.txt')}`, status: 400 },
      { who: 'writer', path: '/api/files/list?path=/etc', status: 403 },
      { who: 'viewer', path: `/api/files/list?path=${f('')}`, status: 403 },
      { who: 'writer', path: `/api/files/list?path=${f('missing')}`, status: 404 },
    ],
    'GET /api/files/stat': [
      { who: 'writer', path: `/api/files/stat?path=${f('a.txt')}`, status: 200 },
      { who: 'writer', path: `/api/files/stat?path=${f('missing')}`, status: 404 },
    ],
    'GET /api/files/complete': [
      { who: 'writer', path: `/api/files/complete?prefix=${f('d')}`, status: 200 },
      { who: 'writer', path: '/api/files/complete?prefix=relative', status: 400 },
    ],
    'GET /api/files/preview': [
      { who: 'writer', path: `/api/files/preview?path=${f('a.txt')}`, status: 200 },
      { who: 'writer', path: `/api/files/preview?path=${f('dir')}`, status: 400 },
    ],
    'GET /api/files/download': [
      { who: 'writer', path: `/api/files/download?path=${f('a.txt')}`, status: 200 },
      { who: 'writer', path: `/api/files/download?path=${f('missing')}`, status: 404 },
    ],
    'POST /api/files/download-link': [
      { who: 'writer', path: '/api/files/download-link', body: { path: `${fixtures.files}/a.txt` }, status: 200 },
      { who: 'writer', path: '/api/files/download-link', body: { path: `${fixtures.files}/missing` }, status: 404 },
    ],
    'GET /api/files/fetch': [
      { who: 'anonymous', path: fixtures.link, status: 200 },
      { who: 'anonymous', path: fixtures.link, status: 404 }, // single use
      { who: 'anonymous', path: '/api/files/fetch', status: 400 },
    ],
    'POST /api/files/upload': [
      { who: 'writer', path: `/api/files/upload?dir=${f('')}`, body: new Form([{ name: 'up.txt', data: 'uploaded' }]), status: 201 },
      { who: 'writer', path: `/api/files/upload?dir=${f('')}`, body: new Form([{ name: 'up.txt', data: 'again' }]), status: 409 },
      { who: 'writer', path: `/api/files/upload?dir=${f('')}`, body: { not: 'multipart' }, status: 415 },
      { who: 'writer', path: `/api/files/upload?dir=${f('')}`, body: new Form([]), status: 400 },
    ],
    'POST /api/files/mkdir': [
      { who: 'writer', path: '/api/files/mkdir', body: { path: `${fixtures.files}/made` }, status: 201 },
      { who: 'writer', path: '/api/files/mkdir', body: { path: `${fixtures.files}/made` }, status: 409 },
      { who: 'writer', path: '/api/files/mkdir', body: { path: 'relative' }, status: 400 },
    ],
    'POST /api/files/rename': [
      { who: 'writer', path: '/api/files/rename', body: { from: `${fixtures.files}/made`, to: `${fixtures.files}/moved` }, status: 200 },
      { who: 'writer', path: '/api/files/rename', body: { from: `${fixtures.files}/missing`, to: `${fixtures.files}/x` }, status: 404 },
    ],
    'DELETE /api/files': [
      { who: 'writer', path: `/api/files?path=${f('delete-me.txt')}`, status: 204 },
      { who: 'writer', path: `/api/files?path=${f('dir')}`, status: 409 },
      { who: 'writer', path: `/api/files?path=${f('missing')}`, status: 404 },
    ],
    'GET /api/sessions/{id}/files': [
      { who: 'writer', path: `/api/sessions/${s}/files?path=${f('')}`, status: 200 },
      { who: 'writer', path: `/api/sessions/unknown/files?path=${f('')}`, status: 404 },
    ],
    'GET /api/sessions/{id}/files/download': [
      { who: 'writer', path: `/api/sessions/${s}/files/download?path=${f('a.txt')}`, status: 200 },
      { who: 'writer', path: `/api/sessions/${s}/files/download?path=${f('dir')}`, status: 400 },
    ],
    'POST /api/sessions/{id}/files/download-link': [
      { who: 'writer', path: `/api/sessions/${s}/files/download-link`, body: { path: `${fixtures.files}/a.txt` }, status: 200 },
      { who: 'writer', path: '/api/sessions/unknown/files/download-link', body: { path: 'a.txt' }, status: 404 },
    ],
    'POST /api/sessions/{id}/upload': [
      { who: 'writer', path: `/api/sessions/${s}/upload`, body: new Form([{ name: 'dropped.txt', data: 'dropped' }]), status: 201 },
      { who: 'writer', path: '/api/sessions/unknown/upload', body: new Form([{ name: 'dropped.txt', data: 'dropped' }]), status: 404 },
    ],
    'GET /api/notifications/vapid-key': [{ who: 'viewer', path: '/api/notifications/vapid-key', status: 200 }],
    'GET /api/notifications/subscriptions': [{ who: 'writer', path: '/api/notifications/subscriptions', status: 200 }],
    'POST /api/notifications/subscriptions': [
      { who: 'viewer', path: '/api/notifications/subscriptions', body: { subscription: pushSubscription('https://push.example.invalid/contract'), events: ['bell'] }, status: 201 },
      { who: 'viewer', path: '/api/notifications/subscriptions', body: { subscription: pushSubscription('http://push.example.invalid/contract') }, status: 400 },
      { who: 'viewer', path: '/api/notifications/subscriptions', body: { subscription: { ...pushSubscription('https://push.example.invalid/contract'), keys: { p256dh: 'AAAA', auth: 'AAAA' } } }, status: 400 },
    ],
    'PATCH /api/notifications/subscriptions/{id}': [
      { who: 'writer', path: `/api/notifications/subscriptions/${fixtures.pushKept}`, body: { events: ['bell', 'idle'], sessions: [s] }, status: 200 },
      { who: 'writer', path: '/api/notifications/subscriptions/unknown', body: { events: ['bell'] }, status: 404 },
      { who: 'writer', path: `/api/notifications/subscriptions/${fixtures.pushKept}`, body: { events: ['beep'] }, status: 400 },
    ],
    'DELETE /api/notifications/subscriptions/{id}': [
      { who: 'writer', path: `/api/notifications/subscriptions/${fixtures.pushDeleted}`, status: 204 },
      { who: 'writer', path: '/api/notifications/subscriptions/unknown', status: 404 },
    ],
    'POST /api/notifications/test': [
      // The admin has no devices here (a real push would leave the machine): an empty report.
      { who: 'admin', path: '/api/notifications/test', body: {}, status: 200 },
      { who: 'writer', path: '/api/notifications/test', body: { id: 'unknown' }, status: 404 },
    ],
    'GET /ws': [], // WebSocket: its own test below
  };
}

const operations = () =>
  Object.entries(doc.paths).flatMap(([template, ops]) => Object.keys(ops).map((method) => ({ key: `${method.toUpperCase()} ${template}`, template, method })));

/** A concrete path for a template: every `{param}` filled with a value that exists or not, as given. */
const concrete = (template: string, value: string) => template.replace(/\{[^}]+\}/g, value);

describe('the OpenAPI document is the contract', () => {
  it('is public and valid OpenAPI 3.1 (meta-schema and every JSON schema in it)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(await validateOpenApiDocument(doc, path.join(tmp, 'openapi.json'))).toEqual([]);
    expect(validator.compileAll()).toEqual([]);
  });

  it('the validator notices a broken document (so the check above can fail)', async () => {
    const broken = { ...doc, info: { version: '1' } };
    expect((await validateOpenApiDocument(broken, path.join(tmp, 'broken.json'))).length).toBeGreaterThan(0);
    const badSchema = JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
    badSchema.paths['/api/health'].get.responses['200'].content!['application/json'].schema = { type: 'bogus' };
    expect(new ResponseValidator(badSchema).compileAll()).toEqual([expect.stringContaining('GET /api/health')]);
  });

  it('documents a body schema for every JSON success, a request schema for every body, and error codes for every error', () => {
    const problems: string[] = [];
    for (const { key, template, method } of operations()) {
      const op = doc.paths[template][method];
      for (const [status, response] of Object.entries(op.responses)) {
        const code = Number(status);
        if (code >= 200 && code < 300 && code !== 204) {
          const schema = response.content && Object.values(response.content)[0]?.schema;
          if (!schema) problems.push(`${key} ${status}: no response schema`);
        }
        if (code >= 400) {
          const json = JSON.stringify(response.content?.['application/json']?.schema ?? null);
          if (!/"enum":\["[A-Z]/.test(json)) problems.push(`${key} ${status}: no error codes`);
        }
      }
      // Actions that take no body: the only writes allowed without a request schema.
      const bodiless = ['POST /api/auth/logout', 'POST /api/session-host/stop', 'POST /api/tunnels/{id}/start', 'POST /api/tunnels/{id}/stop'];
      if (['post', 'put', 'patch'].includes(method) && op.requestBody === undefined && !bodiless.includes(key)) {
        problems.push(`${key}: no request body schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists every registered API route with its access, and no web asset', () => {
    const routes = agent.get(HttpRoutes)!.routes();
    const assets = routes.filter((route) => route.doc === false);
    expect(assets.map((route) => route.path)).toContain('/');
    for (const route of assets) expect(doc.paths[route.path]).toBeUndefined();
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/'))).toEqual(['/metrics', '/ws']);
    const missing = routes
      .filter((route) => route.doc !== false)
      .filter((route) => doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()]?.['x-access'] !== route.access);
    expect(missing.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('spells out what a client needs: login and info shapes, optional bodies, the error envelope, the /ws credentials', () => {
    const json = (template: string, method: string, status: string) => doc.paths[template][method].responses[status].content?.['application/json']?.schema as Record<string, any>;
    expect(doc.paths['/api/auth/login'].post.requestBody).toMatchObject({ required: true, content: { 'application/json': { schema: { required: ['password'] } } } });
    expect(json('/api/auth/login', 'post', '200')).toMatchObject({ properties: { token: { type: 'string' }, refreshToken: { type: 'string' } } });
    expect(json('/api/info', 'get', '200')).toMatchObject({ properties: { websocketUrl: { type: 'string' }, protocol: { const: 1 } } });
    // A bare POST creates the default session: the body is optional; sizes state their range.
    expect(doc.paths['/api/sessions'].post.requestBody).toMatchObject({ required: false, content: { 'application/json': { schema: { properties: { cols: { type: 'integer', minimum: 1, maximum: 1000 } } } } } });
    const components = doc.components as { schemas: Record<string, any>; securitySchemes: Record<string, unknown> };
    expect(components.schemas.Error.properties.error.properties).toHaveProperty('details');
    expect(components.schemas.FieldIssue).toMatchObject({ required: ['path', 'message'] });
    const ws = doc.paths['/ws'].get as unknown as { security: unknown; 'x-websocket': boolean };
    expect(ws['x-websocket']).toBe(true);
    expect(ws.security).toEqual([{ bearer: [] }, { bearerSubprotocol: [] }, { wsTicket: [] }]);
    expect(JSON.stringify(components.securitySchemes)).toMatch(/tunnelforge\.bearer\.<token>.*tunnelforge\.ticket\.<ticket>/);
  });

  it('covers every operation, and every answer matches its documented response', async () => {
    const admin = agent.as('admin');
    const writer = agent.as('writer');
    const created = await writer.post('/api/sessions', { command: ['sh', '-c', 'sleep 60'] });
    const done = await writer.post('/api/sessions', { command: ['true'] });
    const recorded = await writer.post('/api/sessions', { command: ['sh', '-c', 'echo recorded; sleep 60'], record: true });
    await agent.waitForEvent('session.exited', (event) => (event.data as { id: string }).id === done.json.id);
    const share = await writer.post(`/api/sessions/${created.json.id}/share`, {});
    const token = await admin.post('/api/tokens', { name: 'to revoke', role: 'viewer' });
    const loginA = (await agent.anonymous().post('/api/auth/login', { username: 'ada', password: PASSWORD })) as TestResponse<{ token: string; refreshToken: string }>;
    const loginB = (await agent.anonymous().post('/api/auth/login', { username: 'ada', password: PASSWORD })) as TestResponse<{ token: string; refreshToken: string }>;
    const pairing = await admin.post('/api/pairing', {});
    const pushKept = await writer.post('/api/notifications/subscriptions', { subscription: pushSubscription('https://push.example.invalid/kept') });
    const pushDeleted = await writer.post('/api/notifications/subscriptions', { subscription: pushSubscription('https://push.example.invalid/deleted') });
    const link = await writer.post('/api/files/download-link', { path: path.join(realpathSync(path.join(tmp, 'files')), 'a.txt') });
    const table = cases({ link: link.json.url, pushKept: pushKept.json.id, pushDeleted: pushDeleted.json.id,  session: created.json.id, exited: done.json.id, recorded: recorded.json.id, share: share.json.id, token: token.json.id, refresh: loginA.json.refreshToken, login: loginB.json.token, pairing: pairing.json.code, files: realpathSync(path.join(tmp, 'files')) });

    expect(operations().map((op) => op.key).filter((key) => !(key in table))).toEqual([]);
    expect(Object.keys(table).filter((key) => !operations().some((op) => op.key === key))).toEqual([]);

    const problems: string[] = [];
    for (const { key, template, method } of operations()) {
      if (key === 'GET /ws') continue;
      const op = doc.paths[template][method];
      const calls: Call[] = [...table[key]];
      // Every protected operation refuses an anonymous caller and a role below its own, as documented.
      const sample = table[key][0]?.path ?? concrete(template, 'x');
      const access = op['x-access'];
      if (access !== 'public') calls.push({ who: 'anonymous', path: sample, status: 401 });
      if (access === 'writer' || access === 'admin') calls.push({ who: 'viewer', path: sample, status: 403, body: table[key][0]?.body });
      if (access === 'admin') calls.push({ who: 'writer', path: sample, status: 403, body: table[key][0]?.body });
      for (const call of calls) {
        const answer = await send(method.toUpperCase(), call.path, call.who, call.body);
        const who = typeof call.who === 'object' ? 'token' : call.who;
        if (answer.status !== call.status) problems.push(`${key} as ${who} (${call.path}): status ${answer.status}, expected ${call.status}: ${answer.text.slice(0, 200)}`);
        for (const problem of conformance(template, method, answer)) problems.push(`${key} as ${who} (${call.path}) ${answer.status}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('GET /ws: upgrades with each documented credential, refuses without one with a documented error', async () => {
    const ws = agent.wsUrl;
    const op = doc.paths['/ws'].get;
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['101', '401']));
    const bearer = await agent.token('viewer');
    const viaHeader = await upgrade(ws, { headers: { authorization: `Bearer ${bearer}` } });
    const viaSubprotocol = await upgrade(ws, { protocols: ['tunnelforge.v1', `tunnelforge.bearer.${bearer}`] });
    const ticket = (await agent.as('viewer').post('/api/auth/ws-ticket', {})).json.ticket as string;
    const viaTicket = await upgrade(ws, { protocols: ['tunnelforge.v1', `tunnelforge.ticket.${ticket}`] });
    for (const result of [viaHeader, viaSubprotocol, viaTicket]) {
      expect(result.kind).toBe('open');
      if (result.kind === 'open') result.socket.terminate();
    }
    const refused = await upgrade(ws);
    expect(refused).toEqual({ kind: 'refused', status: 401, code: 'TF_ERR_UNAUTHENTICATED' });
    const codes = JSON.stringify(op.responses['401'].content?.['application/json']?.schema);
    expect(codes).toContain('"TF_ERR_UNAUTHENTICATED"');
    expect(codes).toContain('"TF_ERR_BAD_TICKET"');
  });
});
