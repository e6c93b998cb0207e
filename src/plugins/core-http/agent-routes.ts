import { z, type AgentInfo, type Disposable, type HttpRoutes, type PlatformInfo } from '../../plugin-api';
import { agentInfoSchema, openApiDocumentSchema, pluginSummarySchema } from './agent-schemas';
import { buildOpenApiDocument } from './openapi-document';
import { notReadyBody } from './readiness-gate';

/** What `GET /api/health` answers: public, nothing secret (the instance id tells a restart apart). */
const healthSchema = z.object({
  status: z.enum(['ok', 'starting', 'stopping']),
  version: z.string(),
  instanceId: z.string().describe('random per run of the agent: a new value means the agent restarted'),
  startedAt: z.string().describe('ISO time this run started'),
});

/** `GET /api/health` (public readiness), `GET /api/info`, `GET /api/plugins` and `GET /api/openapi.json`. */
export function registerAgentRoutes(http: HttpRoutes, agent: AgentInfo, platform: PlatformInfo): Disposable {
  const routes = [
    http.add({
      method: 'GET',
      path: '/api/health',
      access: 'public',
      schema: { response: healthSchema },
      doc: {
        summary: 'Readiness: 200 once every plugin has activated and started, 503 while starting or stopping',
        tags: ['agent'],
        errors: { 503: 'Starting or stopping (TF_ERR_UNAVAILABLE): the same fields with `status` "starting" or "stopping", plus the `error` envelope' },
      },
      handler: () => {
        const { state, version, instanceId, startedAt } = agent;
        if (state === 'ready') return { json: { status: 'ok' as const, version, instanceId, startedAt } };
        return { status: 503, json: { version, instanceId, startedAt, ...notReadyBody(state) }, headers: { 'retry-after': '1' } };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/info',
      access: 'viewer',
      schema: { response: agentInfoSchema },
      doc: { summary: 'Version, platform, capabilities, active plugins and the WebSocket URL', tags: ['agent'] },
      handler: (request) => {
        const plugins = agent.plugins();
        const active = plugins.filter((p) => p.state === 'active');
        return {
          json: {
            name: 'tunnelforge' as const,
            version: agent.version,
            instanceId: agent.instanceId,
            startedAt: agent.startedAt,
            protocol: 1 as const,
            platform: { os: platform.platform, arch: platform.arch, release: platform.release, hostname: platform.hostname },
            capabilities: [...new Set(active.flatMap((p) => p.provides))].sort(),
            plugins: active.map((p) => ({ id: p.id, version: p.version })),
            degraded: plugins.some((p) => p.state === 'failed'),
            websocketUrl: websocketUrl(request, agent),
            principal: request.principal!, // a viewer route: never null
          },
        };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/plugins',
      access: 'admin',
      schema: { response: z.array(pluginSummarySchema) },
      doc: { summary: 'Every plugin with its state and reason (live `plugins ls`)', tags: ['agent'] },
      handler: () => ({ json: agent.plugins() }),
    }),
    http.add({
      method: 'GET',
      path: '/api/openapi.json',
      // Public: it describes the API and holds nothing secret; a client reads it before it has a credential.
      access: 'public',
      schema: { response: openApiDocumentSchema },
      doc: { summary: 'This OpenAPI 3.1 description, built from the registered routes', tags: ['agent'] },
      handler: () => ({ json: buildOpenApiDocument(http.routes(), agent.version) }),
    }),
  ];
  return { dispose: () => routes.forEach((r) => r.dispose()) };
}

/** The WebSocket URL as the caller reaches us (its Host header), so it also works behind a tunnel. */
function websocketUrl(request: { headers: Readonly<Record<string, string>> }, agent: AgentInfo): string {
  const host = request.headers['host'];
  const local = agent.localUrl();
  if (host && /^[\w.:\[\]-]+$/.test(host)) {
    const secure = request.headers['x-forwarded-proto'] === 'https';
    return `${secure ? 'wss' : 'ws'}://${host}/ws`;
  }
  return local ? `${local.replace(/^http/, 'ws')}/ws` : '/ws';
}
