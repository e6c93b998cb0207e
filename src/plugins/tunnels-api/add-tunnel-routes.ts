import { HttpError, z, type AgentInfo, type AuditLog, type Disposable, type HttpRoutes, type TunnelProvider } from '../../plugin-api';
import { tunnelStatusSchema } from './tunnel-status-schema';

const one = z.object({ tunnel: tunnelStatusSchema });
const idParams = z.object({ id: z.string().describe('Tunnel provider id, e.g. cloudflare') });

function find(providers: readonly TunnelProvider[], id: string): TunnelProvider {
  const provider = providers.find((p) => p.id === id);
  if (!provider) throw new HttpError(404, 'TF_ERR_TUNNEL_NOT_FOUND', `no tunnel provider "${id.slice(0, 64)}" (have: ${providers.map((p) => p.id).join(', ') || 'none'})`);
  return provider;
}

/**
 * `GET /api/tunnels` (viewer): every provider's status. `POST /api/tunnels/:id/start` and
 * `/stop` (admin): start (answers once the URL is known, or 502 with the reason) and stop.
 */
export function addTunnelRoutes(routes: HttpRoutes, providers: readonly TunnelProvider[], agent: AgentInfo, audit?: AuditLog): Disposable[] {
  return [
    routes.add({
      method: 'GET',
      path: '/api/tunnels',
      access: 'viewer',
      schema: { response: z.object({ tunnels: z.array(tunnelStatusSchema) }) },
      doc: { summary: 'Status of every tunnel provider', tags: ['tunnels'] },
      handler: () => ({ json: { tunnels: providers.map((p) => p.status()) } }),
    }),
    routes.add({
      method: 'POST',
      path: '/api/tunnels/:id/start',
      access: 'admin',
      schema: { params: idParams, response: one },
      doc: {
        summary: 'Start a tunnel to the agent; answers once its public URL is known',
        tags: ['tunnels'],
        errors: { 404: 'No such provider (TF_ERR_TUNNEL_NOT_FOUND)', 409: 'The agent is not listening yet (TF_ERR_NOT_LISTENING)', 502: 'The tunnel failed to start (TF_ERR_TUNNEL_FAILED)' },
      },
      async handler(request) {
        const provider = find(providers, request.params.id);
        const localUrl = agent.localUrl();
        if (!localUrl) throw new HttpError(409, 'TF_ERR_NOT_LISTENING', 'the agent is not listening yet; try again in a moment');
        try {
          const tunnel = await provider.start(localUrl);
          audit?.record({ action: 'tunnel.start', by: request.principal, target: provider.id, details: { publicUrl: tunnel.publicUrl } });
          return { json: { tunnel } };
        } catch (error) {
          audit?.record({ action: 'tunnel.start', outcome: 'failure', by: request.principal, target: provider.id, details: { error: error instanceof Error ? error.message : String(error) } });
          throw new HttpError(502, 'TF_ERR_TUNNEL_FAILED', error instanceof Error ? error.message : String(error), { tunnel: provider.status() });
        }
      },
    }),
    routes.add({
      method: 'POST',
      path: '/api/tunnels/:id/stop',
      access: 'admin',
      schema: { params: idParams, response: one },
      doc: { summary: 'Stop a tunnel (idempotent; cancels a start in progress)', tags: ['tunnels'], errors: { 404: 'No such provider (TF_ERR_TUNNEL_NOT_FOUND)' } },
      async handler(request) {
        const provider = find(providers, request.params.id);
        await provider.stop();
        audit?.record({ action: 'tunnel.stop', by: request.principal, target: provider.id });
        return { json: { tunnel: provider.status() } };
      },
    }),
  ];
}
