import { z } from 'zod';
import type { RouteDoc, RouteInfo } from '../../plugin-api';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', example: 'TF_ERR_NOT_FOUND' }, message: { type: 'string' }, details: {} },
    },
  },
};

/**
 * The OpenAPI 3.1 description of every route registered right now, built from the routes' own
 * `doc` (summaries and zod schemas), so the document cannot drift from the code that serves it.
 */
export function buildOpenApiDocument(routes: RouteInfo[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const path = route.path.replace(/:([A-Za-z_][\w]*)/g, '{$1}');
    const params = [...route.path.matchAll(/:([A-Za-z_][\w]*)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, params);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TunnelForge agent API',
      version,
      description: 'Errors always have the shape { "error": { "code", "message" } }. WebSocket protocol v1: see docs/protocol.md.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Local token, API token or login JWT' } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}

function operation(route: RouteInfo, parameters: object[]): Record<string, unknown> {
  const doc: RouteDoc = route.doc ?? { summary: `${route.method} ${route.path}` };
  const status = String(doc.status ?? (route.kind === 'ws' ? 101 : 200));
  const op: Record<string, unknown> = {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags ?? [route.path.split('/')[2] ?? 'agent'],
    'x-access': route.access,
    security: route.access === 'public' ? [] : [{ bearer: [] }],
    ...(parameters.length ? { parameters } : {}),
  };
  if (doc.request) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(doc.request, 'input') } } };
  const responses: Record<string, unknown> = {};
  if (route.kind === 'ws') {
    op['x-websocket'] = true;
    responses[status] = { description: 'Switching protocols: WebSocket protocol v1 (docs/protocol.md)' };
  } else if (route.kind === 'sse') {
    responses[status] = { description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } };
  } else {
    const type = doc.responseType ?? 'application/json';
    const schema = doc.response ? toSchema(doc.response, 'output') : type.startsWith('text/') ? { type: 'string' } : undefined;
    responses[status] = { description: 'Success', ...(schema ? { content: { [type]: { schema } } } : {}) };
  }
  const errors: Record<number, string> = { ...doc.errors };
  if (doc.request) errors[400] ??= 'Invalid body (TF_ERR_BAD_REQUEST, TF_ERR_BAD_JSON)';
  if (route.access !== 'public') {
    errors[401] ??= 'No or bad credentials';
    errors[403] ??= `Role below ${route.access}`;
  }
  for (const [code, description] of Object.entries(errors)) {
    responses[code] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  op.responses = responses;
  return op;
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}
