import { z } from 'zod';
import { actorOf, EventsMissed } from '../plugin-api';
import type {
  AgentEvent, Disposable, EventBus, HttpRoutes, Principal, RouteDefinition, RouteDoc, RouteSchema, SessionInfo, SpecialKey,
} from '../plugin-api';
import { CreateRateLimit } from './create-rate-limit';
import { mayReceiveEvent } from './event-audience';
import type { EventHistory } from './event-history';
import { sessionInfoSchema } from './session-info-schema';
import type { PtySessionManager } from './pty-session-manager';
import { SessionErrors } from './session-errors';
import { specialKeyBytes } from './special-key-bytes';

// Range checks are the manager's (TF_ERR_BAD_SIZE, as on every other path); the document states the range.
const size = (what: string) =>
  z.number().meta({ type: 'integer', minimum: 1, maximum: 1000, description: `${what}, an integer 1..1000 (else 400 TF_ERR_BAD_SIZE)` });
// `.default({})`: a bare POST creates the default shell session.
const createBody = z.strictObject({
  command: z.array(z.string().min(1).max(4096)).min(1).max(1024).optional()
    .describe('argv, run directly (no shell); a name without a slash is looked up in PATH, then through the user\'s login shell ($SHELL -lic \'command -v "$1"\'), so tools that rc files put on PATH are found. Default: the `sessions.command` setting, else the agent user\'s login shell ($SHELL, else /bin/sh)'),
  cwd: z.string().min(1).max(4096).optional().describe('Absolute path of an existing directory; `~` and `~/…` are the agent user\'s home. Default: the `sessions.cwd` setting, else the home directory'),
  env: z.record(z.string().min(1).max(1024), z.string().max(65_536)).optional()
    .describe('Set over the agent\'s own environment (which the session inherits, minus TMUX, TMUX_PANE, STY, WINDOW, WINDOWID, TERMCAP, COLUMNS, LINES); TERM=xterm-256color and TUNNELFORGE_SESSION_ID=<id> are always set last'),
  name: z.string().min(1).max(200).optional().describe('Display name, made unique with a suffix. Default: from the command and cwd'),
  cols: size('Columns (default: the `sessions.cols` setting, else 80)').optional(),
  rows: size('Rows (default: the `sessions.rows` setting, else 24)').optional(),
  record: z.boolean().optional().describe('Record output and resizes (asciicast v2, never input) for GET /api/sessions/:id/recording; default: the recordByDefault config'),
}).default({});
// Trimmed as the manager trims, so a blank name is a field error (body.name) like any other.
const renameBody = z.strictObject({ name: z.string().trim().min(1).max(200) });
const inputBody = z.union([
  z.strictObject({ text: z.string().min(1).max(1_048_576) }),
  z.strictObject({ key: z.enum(Object.keys(specialKeyBytes) as [SpecialKey, ...SpecialKey[]]) }),
]);
const resizeBody = z.strictObject({ cols: size('Columns'), rows: size('Rows') });
const idParams = z.object({ id: z.string().describe('Session id') });
/** `session.created`, `session.*`, `*`: what `?types=` takes, comma-separated. */
const TYPE_FILTER = /^(\*|[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*(\.\*)?)$/;
const eventsQuery = z.object({
  types: z.string().max(2000).refine((value) => value.split(',').every((entry) => TYPE_FILTER.test(entry.trim())), 'a comma-separated list of event types or prefixes (session.title,session.*)')
    .optional().describe('Only these event types; `area.*` matches a prefix (default: every event the caller may see)'),
  lastEventId: z.string().max(64).optional().describe('Resume after this event id (the Last-Event-ID header wins when both are sent)'),
});

/** A `?types=` list as a predicate (`session.*` matches `session.title`; no list matches everything). */
function typeMatcher(types: string | undefined): (type: string) => boolean {
  if (types === undefined) return () => true;
  const entries = types.split(',').map((entry) => entry.trim());
  if (entries.includes('*')) return () => true;
  const exact = new Set(entries.filter((entry) => !entry.endsWith('.*')));
  const prefixes = entries.filter((entry) => entry.endsWith('.*')).map((entry) => entry.slice(0, -1));
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix));
}

/**
 * Body caps that fit each route (the transport's default is 1 MiB): a rename or a resize is a few
 * bytes, a create carries argv and environment, only input may be large (a paste, as INPUT frames).
 * Routes without a body take at most the small cap.
 */
const SMALL_BODY_BYTES = 4 * 1024;
const CREATE_BODY_BYTES = 256 * 1024;
const INPUT_BODY_BYTES = 1024 * 1024;

/** A principal bound to one session (a share link) sees only that one. */
function canSee(principal: Principal | null, id: string): boolean {
  return principal?.sessionId === undefined || principal.sessionId === id;
}

function visibleSession(manager: PtySessionManager, request: { params: { id: string }; principal: Principal | null }): SessionInfo {
  const id = request.params.id;
  const info = canSee(request.principal, id) ? manager.get(id) : undefined;
  if (info === undefined) throw SessionErrors.notFound(id);
  return info;
}

/**
 * The sessions HTTP API (`/api/sessions...`) and the event stream (`/api/events`). Handlers
 * get bodies already validated by their schemas and throw `HttpError`s; the transport does auth by
 * `access`.
 */
export function registerSessionsRoutes(http: HttpRoutes, manager: PtySessionManager, events: EventBus, history: EventHistory | null = null, createLimit: CreateRateLimit = new CreateRateLimit(0, 1000)): Disposable {
  const registered: Disposable[] = [];
  const add = <S extends RouteSchema>(route: RouteDefinition<S> & { doc: RouteDoc }): void => {
    registered.push(http.add({ maxBodyBytes: SMALL_BODY_BYTES, ...route, doc: { tags: ['sessions'], ...route.doc } }));
  };
  const notFound = { 404: 'No such session (TF_ERR_SESSION_NOT_FOUND)' };

  add({
    method: 'GET',
    path: '/api/sessions',
    access: 'viewer',
    schema: { response: z.object({ sessions: z.array(sessionInfoSchema) }) },
    doc: { summary: 'List sessions' },
    handler: (request) => ({ json: { sessions: manager.list().filter((session) => canSee(request.principal, session.id)) } }),
  });

  add({
    method: 'POST',
    path: '/api/sessions',
    access: 'writer',
    maxBodyBytes: CREATE_BODY_BYTES,
    schema: { body: createBody, response: sessionInfoSchema },
    doc: {
      summary: 'Create a session (command defaults to the login shell)',
      status: 201,
      errors: {
        400: 'Size out of range (TF_ERR_BAD_SIZE), cwd missing or not a directory (TF_ERR_BAD_CWD), command not found (TF_ERR_COMMAND_NOT_FOUND), bad environment name (TF_ERR_BAD_REQUEST)',
        403: 'A credential limited to one session cannot create sessions (TF_ERR_FORBIDDEN)',
        409: 'Too many sessions (TF_ERR_SESSION_LIMIT)',
        429: 'This user or API token created too many sessions lately (TF_ERR_RATE_LIMITED, Retry-After; config createRateLimit)',
        500: 'The OS refused to start the process (TF_ERR_SPAWN_FAILED)',
        503: 'The agent is stopping (TF_ERR_SHUTTING_DOWN)',
      },
    },
    handler: async (request) => {
      if (request.principal?.sessionId !== undefined) throw SessionErrors.forbidden('this credential is limited to one session');
      await createLimit.take(request.principal?.id ?? 'anonymous');
      return { status: 201, json: await manager.create(request.body, actorOf(request.principal)) };
    },
  });

  add({
    method: 'GET',
    path: '/api/sessions/:id',
    access: 'viewer',
    schema: { params: idParams, response: sessionInfoSchema },
    doc: { summary: 'Get a session', errors: notFound },
    handler: (request) => ({ json: visibleSession(manager, request) }),
  });

  add({
    method: 'PATCH',
    path: '/api/sessions/:id',
    access: 'writer',
    schema: { params: idParams, body: renameBody, response: sessionInfoSchema },
    doc: { summary: 'Rename a session (names are made unique)', errors: notFound },
    handler: (request) => {
      const { id } = visibleSession(manager, request);
      return { json: manager.rename(id, request.body.name, actorOf(request.principal)) };
    },
  });

  // Running: kill it (the session stays, exited, for inspection). Exited: remove it.
  add({
    method: 'DELETE',
    path: '/api/sessions/:id',
    access: 'writer',
    schema: { params: idParams, response: sessionInfoSchema },
    doc: {
      summary: 'Kill a running session (SIGTERM, then SIGKILL after the grace period; answers the exited session) or remove an exited one (204)',
      also: { 204: 'The session had already exited and was removed' },
      errors: notFound,
    },
    handler: async (request) => {
      const session = visibleSession(manager, request);
      if (session.state === 'running') return { json: await manager.kill(session.id, actorOf(request.principal)) };
      await manager.remove(session.id, actorOf(request.principal));
      return { status: 204 };
    },
  });

  add({
    method: 'POST',
    path: '/api/sessions/:id/input',
    access: 'writer',
    maxBodyBytes: INPUT_BODY_BYTES,
    schema: { params: idParams, body: inputBody },
    doc: {
      summary: 'Type text or a named key into the session',
      status: 204,
      errors: { ...notFound, 400: 'Unknown key name (TF_ERR_BAD_KEY)', 403: 'Viewers cannot type (TF_ERR_FORBIDDEN)', 409: 'The session has exited (TF_ERR_SESSION_EXITED)' },
    },
    handler: (request) => {
      const { id } = visibleSession(manager, request);
      const body = request.body;
      if ('key' in body) manager.sendKey(id, body.key);
      else manager.write(id, body.text);
      return { status: 204 };
    },
  });

  add({
    method: 'POST',
    path: '/api/sessions/:id/resize',
    access: 'writer',
    schema: { params: idParams, body: resizeBody, response: sessionInfoSchema },
    doc: { summary: 'Resize the terminal (1..1000 columns and rows)', errors: { ...notFound, 400: 'Size out of range (TF_ERR_BAD_SIZE)', 409: 'The session has exited (TF_ERR_SESSION_EXITED)' } },
    handler: (request) => {
      const { id } = visibleSession(manager, request);
      return { json: manager.resize(id, request.body.cols, request.body.rows, actorOf(request.principal)) };
    },
  });

  add({
    method: 'GET',
    path: '/api/sessions/:id/text',
    access: 'viewer',
    schema: { params: idParams },
    doc: { summary: 'The visible screen as plain text', responseType: 'text/plain', errors: notFound },
    handler: async (request) => {
      const { id } = visibleSession(manager, request);
      return { text: await manager.screenText(id), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    },
  });

  add({
    method: 'GET',
    path: '/api/sessions/:id/recording',
    access: 'writer',
    schema: { params: idParams, query: z.object({ part: z.enum(['current', 'previous']).optional().describe('previous: the part rotated out at the size cap') }) },
    doc: {
      summary: 'Download the session\'s recording (asciicast v2: output and resizes, never input)',
      responseType: 'application/x-asciicast',
      errors: { ...notFound, 404: 'No such session (TF_ERR_SESSION_NOT_FOUND), or it has no recording (TF_ERR_NO_RECORDING)' },
    },
    handler: async (request) => {
      const { id, name } = visibleSession(manager, request);
      const text = await manager.recording(id, request.query.part === 'previous');
      const filename = `${name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'session'}.cast`;
      return { text, headers: { 'content-type': 'application/x-asciicast; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` } };
    },
  });

  const hostSchema = z.object({
    mode: z.enum(['host', 'in-process']).describe('host: sessions run in the session host and outlive the agent'),
    running: z.boolean().describe('A session host is connected'),
    hostId: z.string().nullable(),
    pid: z.number().int().nullable(),
    version: z.string().nullable(),
    startedAt: z.string().nullable(),
  });
  registered.push(http.add({
    method: 'GET',
    path: '/api/session-host',
    access: 'admin',
    schema: { response: hostSchema },
    doc: { summary: 'The session host that keeps terminals running across agent restarts', tags: ['sessions'] },
    handler: () => ({ json: manager.sessionHost() }),
  }));
  registered.push(http.add({
    method: 'POST',
    path: '/api/session-host/stop',
    access: 'admin',
    schema: { response: z.object({ stopped: z.boolean(), sessions: z.number().int().describe('Sessions that were running in it (now ended)') }) },
    doc: { summary: 'End the session host and every session it runs (the next session starts a new host)', tags: ['sessions'] },
    handler: async (request) => ({ json: await manager.stopSessionHost(actorOf(request.principal)) }),
  }));

  registered.push(http.addEventStream({
    path: '/api/events',
    access: 'viewer',
    schema: { query: eventsQuery },
    doc: {
      summary: 'Server-sent events of the bus (docs/events.md); resumes after Last-Event-ID from the recent history, or sends events.missed with the session list',
      description: 'Send the id of the last event you processed in the Last-Event-ID header (EventSource does on reconnect) or lastEventId: the events after it are replayed first. '
        + 'When they are no longer held (too old) or the id is not of this run of the agent (unknown), the first event is events.missed with the current session list.',
      tags: ['events'],
    },
    open(request, stream) {
      const principal = request.principal;
      const only = principal?.sessionId;
      // Validated against eventsQuery before open() runs.
      const query = request.query as unknown as z.output<typeof eventsQuery>;
      const wanted = typeMatcher(query.types);
      const visible = (event: AgentEvent): boolean => {
        if (!wanted(event.type)) return false;
        // A session-bound principal gets that session's events and nothing else.
        if (only !== undefined && (!event.type.startsWith('session.') || (event.data as { id?: unknown } | null)?.id !== only)) return false;
        return mayReceiveEvent(principal?.role, event.type);
      };
      // Publishing is synchronous and so is this: nothing is published between the replay and the subscription.
      const lastEventId = request.headers['last-event-id'] ?? query.lastEventId;
      if (lastEventId !== undefined && history !== null) {
        const replay = history.since(lastEventId.trim());
        if ('gap' in replay) {
          const sessions = manager.list().filter((session) => canSee(principal, session.id));
          const missed: AgentEvent = { id: history.latestId, type: EventsMissed.type, time: new Date().toISOString(), source: 'core-sessions', data: { lastEventId: lastEventId.slice(0, 64), reason: replay.gap, sessions } };
          if (!stream.send(missed.type, missed, missed.id)) return;
        } else {
          for (const event of replay.events) if (visible(event) && !stream.send(event.type, event, event.id)) return;
        }
      }
      const subscription = events.subscribe('*', (event) => {
        if (visible(event) && !stream.send(event.type, event, event.id)) subscription.dispose();
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
