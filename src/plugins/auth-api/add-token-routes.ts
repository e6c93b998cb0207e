import { HttpError, z, type AuditLog, type Disposable, type HttpRoutes } from '../../plugin-api';
import type { ApiTokens } from '../shared/api-tokens';
import { parseDuration } from '../shared/parse-duration';
import { NO_STORE } from './no-store';
import { OncePerRequestId } from './once-per-request-id';
import { REQUEST_ID } from './request-id';

const role = z.enum(['admin', 'writer', 'viewer']);
const createBody = z.strictObject({
  name: z.string().min(1).max(100),
  role,
  /** `30d`, `12h`, `2w`...; omitted or null: no expiry. */
  expiresIn: z.string().max(16).nullable().optional(),
  requestId: REQUEST_ID,
});
const tokenInfo = z.object({ id: z.string(), name: z.string(), role, createdAt: z.string(), expiresAt: z.string().nullable() });

/** `/api/tokens` (admin): list, create and revoke API tokens, the same store as `tunnelforge token`. */
export function addTokenRoutes(http: HttpRoutes, tokens: ApiTokens, now: () => number, audit?: AuditLog): Disposable {
  const once = new OncePerRequestId<z.output<typeof tokenInfo> & { token: string }>(now);
  const routes = [
    http.add({
      method: 'GET',
      path: '/api/tokens',
      access: 'admin',
      schema: { response: z.object({ tokens: z.array(tokenInfo) }) },
      doc: { summary: 'List API tokens (never their secrets)', tags: ['auth'] },
      handler: async () => ({ json: { tokens: await tokens.list() } }),
    }),
    http.add({
      method: 'POST',
      path: '/api/tokens',
      access: 'admin',
      maxBodyBytes: 4096,
      schema: { body: createBody, response: tokenInfo.extend({ token: z.string() }) },
      doc: { summary: 'Create an API token; the token is in this answer only (and in the answer to a repeat of the same requestId)', tags: ['auth'], status: 201 },
      async handler(request) {
        const { name, role: tokenRole, expiresIn, requestId } = request.body;
        let expiresInMs: number | null = null;
        if (expiresIn !== undefined && expiresIn !== null) {
          expiresInMs = parseDuration(expiresIn);
          if (expiresInMs === null) throw new HttpError(400, 'TF_ERR_BAD_REQUEST', 'expiresIn must look like 90m, 12h, 30d or 2w');
        }
        // A repeated request id from the same caller (double click, retry) answers the token made the first time.
        const principal = request.principal;
        const key = requestId === undefined ? null : JSON.stringify([principal?.credential ?? principal?.id ?? '', requestId]);
        const json = await once.run(key, async () => {
          const created = await tokens.create({ name, role: tokenRole, expiresInMs });
          audit?.record({ action: 'token.create', by: principal, target: created.info.id, details: { name, role: tokenRole, expiresAt: created.info.expiresAt } });
          return { ...created.info, token: created.token };
        });
        return { status: 201, json, headers: NO_STORE };
      },
    }),
    http.add({
      method: 'DELETE',
      path: '/api/tokens/:id',
      maxBodyBytes: 4096, // takes no body
      access: 'admin',
      schema: { params: z.object({ id: z.string().describe('Token id') }) },
      doc: { summary: 'Revoke an API token', tags: ['auth'], status: 204, errors: { 404: 'No such token (TF_ERR_NOT_FOUND)' } },
      async handler(request) {
        if (!(await tokens.revoke(request.params.id))) throw new HttpError(404, 'TF_ERR_NOT_FOUND', 'No such API token');
        audit?.record({ action: 'token.revoke', by: request.principal, target: request.params.id });
        return { status: 204 };
      },
    }),
  ];
  return { dispose: () => routes.forEach((route) => route.dispose()) };
}
