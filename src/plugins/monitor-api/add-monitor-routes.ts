import { z, type Disposable, type HttpRoutes } from '../../plugin-api';
import type { MonitorHub } from './monitor-hub';

const sampleSchema = z.object({ monitor: z.string(), time: z.string().describe('ISO time'), data: z.record(z.string(), z.unknown()) });

/**
 * `GET /api/monitor` (viewer): the latest sample of every monitor. `GET /api/monitor/stream`
 * (viewer, SSE): `sample` events as they are taken. `GET /metrics` (viewer): Prometheus text. The
 * metrics carry host and session details, so they are not public.
 */
export function addMonitorRoutes(routes: HttpRoutes, hub: MonitorHub, intervalMs: number): Disposable[] {
  return [
    routes.add({
      method: 'GET',
      path: '/api/monitor',
      access: 'viewer',
      schema: { response: z.object({ intervalMs: z.number().int(), samples: z.array(sampleSchema) }) },
      doc: { summary: 'Latest sample of every monitor (host, sessions, agent)', tags: ['monitoring'] },
      handler: () => ({ json: { intervalMs, samples: hub.samples() } }),
    }),
    routes.addEventStream({
      path: '/api/monitor/stream',
      access: 'viewer',
      doc: { summary: 'Server-sent events: a `sample` event per monitor, the latest at once and then every interval', tags: ['monitoring'] },
      open: (_request, stream) => hub.addStream(stream),
    }),
    routes.add({
      method: 'GET',
      path: '/metrics',
      access: 'viewer',
      doc: { summary: 'Prometheus text exposition of every monitor\'s metrics (tunnelforge_*)', tags: ['monitoring'], responseType: 'text/plain; version=0.0.4' },
      async handler() {
        const { contentType, text } = await hub.prometheus();
        return { body: Buffer.from(text, 'utf8'), headers: { 'content-type': contentType } };
      },
    }),
  ];
}
