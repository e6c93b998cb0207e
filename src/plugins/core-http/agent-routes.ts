import { z, type AgentInfo, type Disposable, type HttpRoutes, type PlatformInfo } from '../../plugin-api';
import { agentInfoSchema, openApiDocumentSchema, pluginSummarySchema } from './agent-schemas';
import { buildOpenApiDocument } from './openapi-document';

/** `GET /api/health` (public liveness), `GET /api/info`, `GET /api/plugins` and `GET /api/openapi.json`. */
export function registerAgentRoutes(http: HttpRoutes, agent: AgentInfo, platform: PlatformInfo): Disposable {
  const routes = [
    http.add({
      method: 'GET',
      path: '/api/health',
      access: 'public',
      schema: { response: z.object({ status: z.literal('ok') }) },
      doc: { summary: 'Liveness', tags: ['agent'] },
      handler: () => ({ json: { status: 'ok' as const } }),
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
      access: 'viewer',
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
