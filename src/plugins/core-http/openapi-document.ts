import { z, type RouteDoc, type RouteInfo, type RouteSchema } from '../../plugin-api';

const FIELD_ISSUE_SCHEMA = {
  type: 'object',
  required: ['path', 'message'],
  properties: {
    path: { type: 'string', description: 'Where the bad value is: params.<name>, query.<name>, body, body.<field>.<index>...', example: 'body.cols' },
    message: { type: 'string' },
  },
};

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', example: 'TF_ERR_NOT_FOUND' },
        message: { type: 'string' },
        details: { description: 'On 400 TF_ERR_BAD_REQUEST: the bad fields (FieldIssue[]); other errors may add their own data' },
      },
    },
  },
};

/** The credential ways of the API. The two subprotocol ones exist on WebSocket upgrades only (browsers cannot set headers there). */
const SECURITY_SCHEMES = {
  bearer: { type: 'http', scheme: 'bearer', description: 'Local token, API token or login JWT in Authorization: Bearer <token>' },
  bearerSubprotocol: {
    type: 'apiKey',
    in: 'header',
    name: 'Sec-WebSocket-Protocol',
    description: 'WebSocket upgrades only: an entry tunnelforge.bearer.<token> beside the application protocol (list tunnelforge.v1 first)',
  },
  wsTicket: {
    type: 'apiKey',
    in: 'header',
    name: 'Sec-WebSocket-Protocol',
    description: 'WebSocket upgrades only: an entry tunnelforge.ticket.<ticket> from POST /api/auth/ws-ticket (single use, 30 s; auth-ws-ticket plugin)',
  },
};

/**
 * The OpenAPI 3.1 description of every API operation registered right now, built from the routes'
 * own schemas and `doc`, so the document cannot drift from the code that validates and serves
 * requests. Routes with `doc: false` (static files) are not operations and are left out.
 */
export function buildOpenApiDocument(routes: RouteInfo[], version: string): {
  openapi: string;
  info: { title: string; version: string; description: string };
  components: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
} {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    if (route.doc === false) continue;
    const path = route.path.replace(/:([A-Za-z_][\w]*)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, route.doc ?? { summary: `${route.method} ${route.path}` });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TunnelForge agent API',
      version,
      description:
        'Errors always have the shape { "error": { "code", "message", "details"? } }; a request that fails its schemas is answered ' +
        '400 TF_ERR_BAD_REQUEST with details [{ "path": "body.cols", "message" }], malformed JSON 400 TF_ERR_BAD_JSON. ' +
        'WebSocket protocol v1: see docs/protocol.md.',
    },
    components: { securitySchemes: SECURITY_SCHEMES, schemas: { Error: ERROR_SCHEMA, FieldIssue: FIELD_ISSUE_SCHEMA } },
    paths,
  };
}

function operation(route: RouteInfo, doc: RouteDoc): Record<string, unknown> {
  const schema: RouteSchema = route.schema ?? {};
  const status = String(doc.status ?? (route.kind === 'ws' ? 101 : 200));
  const parameters = [...pathParameters(route.path, schema.params), ...queryParameters(schema.query)];
  const op: Record<string, unknown> = {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags ?? [route.path.split('/')[2] ?? 'agent'],
    'x-access': route.access,
    security: route.access === 'public' ? [] : route.kind === 'ws' ? [{ bearer: [] }, { bearerSubprotocol: [] }, { wsTicket: [] }] : [{ bearer: [] }],
    ...(parameters.length ? { parameters } : {}),
  };
  if (schema.body) op.requestBody = { required: !acceptsUndefined(schema.body), content: { 'application/json': { schema: toSchema(schema.body) } } };
  const responses: Record<string, unknown> = {};
  if (route.kind === 'ws') {
    op['x-websocket'] = true;
    responses[status] = { description: 'Switching protocols: WebSocket protocol v1 (docs/protocol.md)' };
  } else if (route.kind === 'sse') {
    responses[status] = { description: 'Server-sent events', content: { 'text/event-stream': { schema: { type: 'string' } } } };
  } else {
    const type = doc.responseType ?? 'application/json';
    const body = schema.response ? toSchema(schema.response) : type.startsWith('text/') ? { type: 'string' } : type === 'application/json' ? undefined : { type: 'string', format: 'binary' };
    responses[status] = { description: 'Success', ...(body ? { content: { [type]: { schema: body } } } : {}) };
  }
  const errors: Record<number, string> = { ...doc.errors };
  const validated = (['params', 'query', 'body'] as const).filter((part) => schema[part] !== undefined);
  if (validated.length > 0) {
    errors[400] ??= `Invalid ${validated.join(', ')} (TF_ERR_BAD_REQUEST, details name the fields)${schema.body ? '; malformed JSON (TF_ERR_BAD_JSON)' : ''}`;
  }
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

/** Every `:name` of the path, with its schema from `params` (a string when there is none). */
function pathParameters(path: string, params: z.ZodType | undefined): object[] {
  const properties = objectProperties(params);
  return [...path.matchAll(/:([A-Za-z_][\w]*)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: properties.schemas[m[1]] ?? { type: 'string' } }));
}

/** One query parameter per property of the `query` object schema; arrays are repeated keys (`?tag=a&tag=b`). */
function queryParameters(query: z.ZodType | undefined): object[] {
  const properties = objectProperties(query);
  return Object.entries(properties.schemas).map(([name, schema]) => ({
    name,
    in: 'query',
    required: properties.required.includes(name),
    schema,
    ...((schema as { type?: unknown }).type === 'array' ? { style: 'form', explode: true } : {}),
  }));
}

function objectProperties(schema: z.ZodType | undefined): { schemas: Record<string, unknown>; required: string[] } {
  const json = schema === undefined ? {} : (toSchema(schema) as { properties?: Record<string, unknown>; required?: string[] });
  return { schemas: json.properties ?? {}, required: json.required ?? [] };
}

/** A body schema that accepts no body (`.optional()`, `.default({})`) makes the request body optional. */
function acceptsUndefined(schema: z.ZodType): boolean {
  try {
    return schema.safeParse(undefined).success;
  } catch {
    return false; // async refinements: assume a body is needed
  }
}

/** What goes over the wire: the input side (handlers' `json` is typed as the response schema's input, never parsed). */
function toSchema(schema: z.ZodType): unknown {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  } catch {
    return {};
  }
}
