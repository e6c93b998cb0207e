import { z } from 'zod';
import { actorOf } from '../plugin-api';
import type {
  Disposable, EventBus, HttpRequest, HttpResponse, HttpRoutes, Principal, RouteDoc, SessionInfo, SpecialKey,
} from '../plugin-api';
import { sessionInfoSchema } from './session-info-schema';
import type { PtySessionManager } from './pty-session-manager';
import { SessionErrors } from './session-errors';
import { specialKeyBytes } from './special-key-bytes';

const createBody = z.strictObject({
  command: z.array(z.string().min(1).max(4096)).min(1).max(1024).optional(),
  cwd: z.string().min(1).max(4096).optional(),
  env: z.record(z.string().min(1).max(1024), z.string().max(65_536)).optional(),
  name: z.string().min(1).max(200).optional(),
  // Range checks are the manager's (TF_ERR_BAD_SIZE, as on every other path).
  cols: z.number().optional(),
  rows: z.number().optional(),
});
const renameBody = z.strictObject({ name: z.string().min(1).max(200) });
const inputBody = z.union([
  z.strictObject({ text: z.string().min(1).max(1_048_576) }),
  z.strictObject({ key: z.enum(Object.keys(specialKeyBytes) as [SpecialKey, ...SpecialKey[]]) }),
]);
const resizeBody = z.strictObject({ cols: z.number(), rows: z.number() });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw SessionErrors.badRequest(`invalid body: ${z.prettifyError(result.error).replace(/\n/g, '; ')}`, result.error.issues);
  return result.data;
}

/** A principal bound to one session (a share link) sees only that one. */
function canSee(principal: Principal | null, id: string): boolean {
  return principal?.sessionId === undefined || principal.sessionId === id;
}

function visibleSession(manager: PtySessionManager, request: HttpRequest): SessionInfo {
  const id = request.params.id ?? '';
  const info = canSee(request.principal, id) ? manager.get(id) : undefined;
  if (info === undefined) throw SessionErrors.notFound(id);
  return info;
}

/**
 * The sessions HTTP API (`/api/sessions...`) and the event stream (`/api/events`). Handlers
 * return plain responses and throw `HttpError`s; the transport does auth by `access`.
 */
export function registerSessionsRoutes(http: HttpRoutes, manager: PtySessionManager, events: EventBus): Disposable {
  const registered: Disposable[] = [];
  const route = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, access: 'viewer' | 'writer', doc: RouteDoc,
    handler: (request: HttpRequest) => HttpResponse | Promise<HttpResponse>): void => {
    registered.push(http.add({ method, path, access, doc: { tags: ['sessions'], ...doc }, handler }));
  };
  const notFound = { 404: 'No such session (TF_ERR_SESSION_NOT_FOUND)' };

  route('GET', '/api/sessions', 'viewer', { summary: 'List sessions', response: z.object({ sessions: z.array(sessionInfoSchema) }) }, (request) => ({
    json: { sessions: manager.list().filter((session) => canSee(request.principal, session.id)) },
  }));

  route('POST', '/api/sessions', 'writer', {
    summary: 'Create a session (command defaults to the login shell)',
    request: createBody,
    response: sessionInfoSchema,
    status: 201,
    errors: { 409: 'Too many sessions (TF_ERR_SESSION_LIMIT)' },
  }, async (request) => {
    if (request.principal?.sessionId !== undefined) throw SessionErrors.forbidden('this credential is limited to one session');
    const body = parse(createBody, request.body);
    return { status: 201, json: await manager.create(body, actorOf(request.principal)) };
  });

  route('GET', '/api/sessions/:id', 'viewer', { summary: 'Get a session', response: sessionInfoSchema, errors: notFound }, (request) => ({ json: visibleSession(manager, request) }));

  route('PATCH', '/api/sessions/:id', 'writer', { summary: 'Rename a session (names are made unique)', request: renameBody, response: sessionInfoSchema, errors: notFound }, (request) => {
    const { id } = visibleSession(manager, request);
    return { json: manager.rename(id, parse(renameBody, request.body).name, actorOf(request.principal)) };
  });

  // Running: kill it (the session stays, exited, for inspection). Exited: remove it.
  route('DELETE', '/api/sessions/:id', 'writer', {
    summary: 'Kill a running session (SIGTERM, then SIGKILL after the grace period; answers the exited session) or remove an exited one (204)',
    response: sessionInfoSchema,
    errors: notFound,
  }, async (request) => {
    const session = visibleSession(manager, request);
    if (session.state === 'running') return { json: await manager.kill(session.id, actorOf(request.principal)) };
    await manager.remove(session.id, actorOf(request.principal));
    return { status: 204 };
  });

  route('POST', '/api/sessions/:id/input', 'writer', {
    summary: 'Type text or a named key into the session',
    request: inputBody,
    status: 204,
    errors: { ...notFound, 409: 'The session has exited (TF_ERR_SESSION_EXITED)' },
  }, (request) => {
    const { id } = visibleSession(manager, request);
    const body = parse(inputBody, request.body);
    if ('key' in body) manager.sendKey(id, body.key);
    else manager.write(id, body.text);
    return { status: 204 };
  });

  route('POST', '/api/sessions/:id/resize', 'writer', {
    summary: 'Resize the terminal (1..1000 columns and rows)',
    request: resizeBody,
    response: sessionInfoSchema,
    errors: notFound,
  }, (request) => {
    const { id } = visibleSession(manager, request);
    const { cols, rows } = parse(resizeBody, request.body);
    return { json: manager.resize(id, cols, rows, actorOf(request.principal)) };
  });

  route('GET', '/api/sessions/:id/text', 'viewer', { summary: 'The visible screen as plain text', responseType: 'text/plain', errors: notFound }, async (request) => {
    const { id } = visibleSession(manager, request);
    return { text: await manager.screenText(id), headers: { 'content-type': 'text/plain; charset=utf-8' } };
  });

  registered.push(http.addEventStream({
    path: '/api/events',
    access: 'viewer',
    doc: { summary: 'Server-sent events: session.created, session.exited, session.renamed, session.resized, session.removed and plugin events', tags: ['events'] },
    open(request, stream) {
      const only = request.principal?.sessionId;
      const subscription = events.subscribe('*', (event) => {
        // A session-bound principal gets that session's events and nothing else.
        if (only !== undefined && (!event.type.startsWith('session.') || (event.data as { id?: unknown } | null)?.id !== only)) return;
        if (!stream.send(event.type, event, event.id)) subscription.dispose();
      });
      stream.onClose(() => subscription.dispose());
      if (stream.closed) subscription.dispose();
    },
  }));

  return {
    dispose() {
      for (const registration of registered.splice(0)) registration.dispose();
    },
  };
}
