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
  const parameters = [...pathParameters(route.path, schema.params), ...queryParameters(schema.query), ...(doc.ranges ? [RANGE_PARAMETER] : [])];
  const op: Record<string, unknown> = {
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags ?? [route.path.split('/')[2] ?? 'agent'],
    'x-access': route.access,
    security: route.access === 'public' ? [] : route.kind === 'ws' ? [{ bearer: [] }, { bearerSubprotocol: [] }, { wsTicket: [] }] : [{ bearer: [] }],
    ...(parameters.length ? { parameters } : {}),
  };
  if (schema.body) op.requestBody = { required: !acceptsUndefined(schema.body), content: { 'application/json': { schema: toSchema(schema.body) } } };
  if (route.streamBody) {
    const body = route.streamBody.schema ? toSchema(route.streamBody.schema) : { type: 'string', format: 'binary' };
    op.requestBody = { required: true, content: Object.fromEntries(route.streamBody.accept.map((type) => [type, { schema: body }])) };
  }
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
    if (doc.ranges) responses['206'] = { description: 'Partial content: the one byte range asked for in Range (Content-Range says which)', ...(body ? { content: { [type]: { schema: body } } } : {}) };
    for (const [other, description] of Object.entries(doc.also ?? {})) responses[other] = { description };
  }
  for (const [code, error] of Object.entries(errorResponses(route, schema, doc))) {
    responses[code] = {
      description: error.description,
      content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: error.codes } } } } }] } } },
    };
  }
  op.responses = responses;
  return op;
}

/** Codes every route can answer: a foreign Origin, a server bug, and the agent starting or stopping. */
const ALWAYS: Record<number, { description: string; codes: string[] }> = {
  403: { description: 'Foreign Origin (TF_ERR_BAD_ORIGIN)', codes: ['TF_ERR_BAD_ORIGIN'] },
  500: { description: 'A bug in the agent or a plugin (TF_ERR_INTERNAL)', codes: ['TF_ERR_INTERNAL'] },
  503: { description: 'The agent is starting or stopping, or a service the route needs is not running (TF_ERR_UNAVAILABLE, Retry-After)', codes: ['TF_ERR_UNAVAILABLE'] },
};
const CREDENTIAL_CODES = ['TF_ERR_UNAUTHENTICATED', 'TF_ERR_BAD_TOKEN', 'TF_ERR_TOKEN_EXPIRED', 'TF_ERR_TOKEN_REVOKED'];

/**
 * Every error status of an operation with the `TF_ERR_*` codes it can carry: the ones the transport
 * adds (validation, auth, body limits, Origin, readiness) and the ones the route names in
 * `doc.errors` (codes written in the text), so a client can switch on them exhaustively.
 */
function errorResponses(route: RouteInfo, schema: RouteSchema, doc: RouteDoc): Record<number, { description: string; codes: string[] }> {
  const out: Record<number, { description: string; codes: string[] }> = {};
  const add = (status: number, description: string, codes: string[]) => {
    const entry = (out[status] ??= { description, codes: [] });
    for (const code of codes) if (!entry.codes.includes(code)) entry.codes.push(code);
  };
  const validated = (['params', 'query', 'body'] as const).filter((part) => schema[part] !== undefined);
  if (validated.length > 0) {
    add(400, `Invalid ${validated.join(', ')} (TF_ERR_BAD_REQUEST, details name the fields)${schema.body ? '; malformed JSON (TF_ERR_BAD_JSON)' : ''}`, schema.body ? ['TF_ERR_BAD_REQUEST', 'TF_ERR_BAD_JSON'] : ['TF_ERR_BAD_REQUEST']);
  }
  if (schema.body) {
    add(413, 'Body too large (TF_ERR_PAYLOAD_TOO_LARGE)', ['TF_ERR_PAYLOAD_TOO_LARGE']);
    add(415, 'Body is not application/json (TF_ERR_UNSUPPORTED_MEDIA_TYPE)', ['TF_ERR_UNSUPPORTED_MEDIA_TYPE']);
  }
  if (route.streamBody) {
    add(413, 'Body too large (TF_ERR_PAYLOAD_TOO_LARGE)', ['TF_ERR_PAYLOAD_TOO_LARGE']);
    add(415, `Body is not ${route.streamBody.accept.join(' or ')} (TF_ERR_UNSUPPORTED_MEDIA_TYPE)`, ['TF_ERR_UNSUPPORTED_MEDIA_TYPE']);
  }
  if (doc.ranges) add(416, 'The range starts past the end of the body (TF_ERR_RANGE_NOT_SATISFIABLE; Content-Range: bytes */size)', ['TF_ERR_RANGE_NOT_SATISFIABLE']);
  if (route.access !== 'public') {
    add(401, 'No or bad credentials', route.kind === 'ws' ? [...CREDENTIAL_CODES, 'TF_ERR_BAD_TICKET'] : CREDENTIAL_CODES);
    add(403, `Role below ${route.access}, or a credential limited to another session (TF_ERR_FORBIDDEN)`, ['TF_ERR_FORBIDDEN']);
  }
  for (const [status, entry] of Object.entries(ALWAYS)) add(Number(status), entry.description, entry.codes);
  for (const [status, description] of Object.entries(doc.errors ?? {})) {
    const codes = [...description.matchAll(/\b[A-Z][A-Z0-9]*_ERR_[A-Z0-9_]+\b/g)].map((m) => m[0]);
    const entry = out[Number(status)];
    // The route's own words first: they say what this operation means by the status.
    if (entry) entry.description = `${description}; ${entry.description}`;
    add(Number(status), description, codes);
  }
  return out;
}

/** The `Range` request header of a route with `doc.ranges`. */
const RANGE_PARAMETER = {
  name: 'Range',
  in: 'header',
  required: false,
  schema: { type: 'string', example: 'bytes=0-1023' },
  description: 'One byte range (RFC 9110): answered 206 with that range; several ranges or another unit get the whole body (200)',
};

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
