import type { AgentInfo, Disposable, HttpRequest, HttpRoutes, PlatformInfo } from '../../plugin-api';

/** `GET /api/health` (public liveness), `GET /api/info` and `GET /api/plugins`. */
export function registerAgentRoutes(http: HttpRoutes, agent: AgentInfo, platform: PlatformInfo): Disposable {
  const routes = [
    http.add({ method: 'GET', path: '/api/health', access: 'public', handler: () => ({ json: { status: 'ok' } }) }),
    http.add({
      method: 'GET',
      path: '/api/info',
      access: 'viewer',
      handler: (request) => {
        const plugins = agent.plugins();
        const active = plugins.filter((p) => p.state === 'active');
        return {
          json: {
            name: 'tunnelforge',
            version: agent.version,
            protocol: 1,
            platform: { os: platform.platform, arch: platform.arch, release: platform.release, hostname: platform.hostname },
            capabilities: [...new Set(active.flatMap((p) => p.provides))].sort(),
            plugins: active.map((p) => ({ id: p.id, version: p.version })),
            degraded: plugins.some((p) => p.state === 'failed'),
            websocketUrl: websocketUrl(request, agent),
            principal: request.principal,
          },
        };
      },
    }),
    http.add({ method: 'GET', path: '/api/plugins', access: 'admin', handler: () => ({ json: agent.plugins() }) }),
  ];
  return { dispose: () => routes.forEach((r) => r.dispose()) };
}

/** The WebSocket URL as the caller reaches us (its Host header), so it also works behind a tunnel. */
function websocketUrl(request: HttpRequest, agent: AgentInfo): string {
  const host = request.headers['host'];
  const local = agent.localUrl();
  if (host && /^[\w.:\[\]-]+$/.test(host)) {
    const secure = request.headers['x-forwarded-proto'] === 'https';
    return `${secure ? 'wss' : 'ws'}://${host}/ws`;
  }
  return local ? `${local.replace(/^http/, 'ws')}/ws` : '/ws';
}
