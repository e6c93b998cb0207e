import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RouteInfo } from '../../src/plugin-api';
import { startAuthAgent, type AuthAgent } from './auth-harness';

/** The only routes that may be public (the web page's static files aside). */
// GET /api/files/fetch: its single-use ticket is the credential (test/files/download-links.test.ts).
const PUBLIC = ['GET /api/health', 'GET /api/openapi.json', 'GET /api/auth/config', 'POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/pairing/claim', 'GET /api/files/fetch'];

interface Row {
  key: string;
  role: string;
  plugin: string;
}

/** Rows of the route table in docs/security.md: `| METHOD | \`path\` | role | plugin | what |`. */
function documentedRoutes(): Row[] {
  const text = readFileSync(path.join(__dirname, '../../docs/security.md'), 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const match = /^\| (GET|POST|PUT|PATCH|DELETE|SSE|WS) \| `([^`]+)` \| (public|viewer|writer|admin) \| ([\w-]+) \|/.exec(line);
    if (match) rows.push({ key: `${match[1]} ${match[2]}`, role: match[3], plugin: match[4] });
  }
  return rows;
}

/** How a registered route is written in the table (content-hashed web assets share one row). */
function tableKey(route: RouteInfo): string {
  const method = route.kind === 'ws' ? 'WS' : route.kind === 'sse' ? 'SSE' : route.method;
  const routePath = route.path.startsWith('/assets/') ? '/assets/*' : route.path;
  return `${method} ${routePath}`;
}

describe('every route has an explicit access level, and docs/security.md lists them all', () => {
  let agent: AuthAgent;
  beforeAll(async () => {
    agent = await startAuthAgent();
  });
  afterAll(() => agent.stop());

  test('the agent registers routes of every kind, each with one of the four access levels', () => {
    const routes = agent.routes();
    expect(routes.map((r) => r.kind)).toEqual(expect.arrayContaining(['http', 'sse', 'ws']));
    for (const route of routes) expect(['public', 'viewer', 'writer', 'admin']).toContain(route.access);
  });

  test('only the login routes, health, download links and the web page are public', () => {
    const publicRoutes = agent.routes().filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`);
    const unexpected = publicRoutes.filter((key) => !PUBLIC.includes(key) && !/^GET (\/|\/sw\.js|\/assets\/[^/]+)$/.test(key));
    expect(unexpected).toEqual([]);
    expect(publicRoutes).toEqual(expect.arrayContaining(PUBLIC));
  });

  test('docs/security.md has a row with the right role for every registered route, and no stale rows', () => {
    const rows = documentedRoutes();
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const registered = agent.routes();
    const missing = registered.filter((route) => byKey.get(tableKey(route))?.role !== route.access).map((route) => `${tableKey(route)} (${route.access})`);
    expect(missing).toEqual([]);
    // A row whose plugin is active here must match a registered route (plugins skipped on this machine may have rows).
    const active = new Set(agent.tk.report().filter((p) => p.state === 'active').map((p) => p.id));
    const keys = new Set(registered.map(tableKey));
    const stale = rows.filter((row) => active.has(row.plugin) && !keys.has(row.key)).map((row) => row.key);
    expect(stale).toEqual([]);
  });

  test('the web page and API answers carry the transport security headers; no CORS header unless configured', async () => {
    const check = async (route: string) => {
      const reply = await agent.call(route, { headers: { origin: agent.url } });
      expect(reply.status).toBe(200);
      expect(reply.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin' });
      expect(Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      return reply;
    };
    await check('/api/health');
    // The web page exists only when the client was built (npm run build); its CSP locks scripts and framing.
    if (agent.routes().some((route) => route.path === '/')) {
      const csp = String((await check('/')).headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });
});
