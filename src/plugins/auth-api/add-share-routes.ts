import { HttpError, z, type AuditLog, type Disposable, type HttpRoutes, type SessionManager } from '../../plugin-api';
import type { AuthTokens } from '../shared/auth-tokens';
import { NO_STORE } from './no-store';
import { OncePerRequestId } from './once-per-request-id';
import { REQUEST_ID } from './request-id';
import { shareUrl } from './share-url';

export interface ShareRouteDeps {
  tokens: AuthTokens;
  sessions: SessionManager;
  /** Origin for share links (config `publicUrl`), when set. */
  publicUrl: string | undefined;
  localUrl: () => string | null;
  defaultMinutes: number;
  maxMinutes: number;
  audit?: AuditLog;
}

const shareInfo = z.object({
  id: z.string(),
  sessionId: z.string(),
  createdBy: z.string().describe('principal id of who made it'),
  createdAt: z.string(),
  expiresAt: z.string(),
});

/**
 * Read-only share links (writer): `POST /api/sessions/:id/share` makes a viewer token limited to
 * that session, valid for `expiresInMinutes` (once per `requestId`); `GET /api/shares` lists the
 * active ones (never their tokens); `DELETE /api/shares/:id` revokes one.
 */
export function addShareRoutes(http: HttpRoutes, deps: ShareRouteDeps): Disposable {
  // `.default({})`: a bare POST makes a link with the default lifetime.
  const shareBody = z.object({ expiresInMinutes: z.number().int().min(1).max(deps.maxMinutes).optional(), requestId: REQUEST_ID }).default({});
  const once = new OncePerRequestId<{ id: string; token: string; expiresAt: string }>();
  const routes = [
    http.add({
      method: 'GET',
      path: '/api/shares',
      access: 'writer',
      schema: {
        query: z.object({ sessionId: z.string().optional().describe('only the links of this session') }),
        response: z.object({ shares: z.array(shareInfo) }),
      },
      doc: { summary: 'The active read-only share links (never their tokens), oldest first', tags: ['auth', 'sessions'] },
      async handler(request) {
        const { sessionId } = request.query;
        const shares = (await deps.tokens.listShares()).filter((share) => sessionId === undefined || share.sessionId === sessionId);
        return { json: { shares }, headers: NO_STORE };
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/sessions/:id/share',
      access: 'writer',
      maxBodyBytes: 4096,
      schema: {
        params: z.object({ id: z.string().describe('Session id') }),
        body: shareBody,
        response: z.object({ id: z.string(), token: z.string(), url: z.string(), expiresAt: z.string(), sessionId: z.string() }),
      },
      doc: {
        summary: 'A read-only share link for one session: a viewer token limited to it, in the URL fragment',
        tags: ['auth', 'sessions'],
        status: 201,
        errors: { 404: 'No such session (TF_ERR_SESSION_NOT_FOUND)' },
      },
      async handler(request) {
        const sessionId = request.params.id;
        const principal = request.principal!;
        // Same answer as for a session that does not exist: a limited credential learns nothing of others.
        const visible = principal.sessionId === undefined || principal.sessionId === sessionId;
        if (!visible || deps.sessions.get(sessionId) === undefined) throw new HttpError(404, 'TF_ERR_SESSION_NOT_FOUND', `no session ${JSON.stringify(sessionId.slice(0, 64))}`);
        const minutes = request.body.expiresInMinutes ?? deps.defaultMinutes;
        const { requestId } = request.body;
        // The same request id from the same caller for the same session: the first answer again.
        const key = requestId === undefined ? null : JSON.stringify([principal.credential ?? principal.id, sessionId, requestId]);
        const share = await once.run(key, async () => {
          const issued = await deps.tokens.issueShare(sessionId, principal.id, minutes * 60_000);
          deps.audit?.record({ action: 'share.create', by: principal, target: issued.id, details: { sessionId, expiresAt: issued.expiresAt } });
          return issued;
        });
        return {
          status: 201,
          json: { id: share.id, token: share.token, url: shareUrl(share.token, request, deps.publicUrl, deps.localUrl()), expiresAt: share.expiresAt, sessionId },
          headers: NO_STORE,
        };
      },
    }),
    http.add({
      method: 'DELETE',
      path: '/api/shares/:id',
      maxBodyBytes: 4096, // takes no body
      access: 'writer',
      schema: { params: z.object({ id: z.string().describe('Share id') }) },
      doc: { summary: 'Revoke a share link', tags: ['auth', 'sessions'], status: 204, errors: { 404: 'No such share (TF_ERR_NOT_FOUND)' } },
      async handler(request) {
        if (!(await deps.tokens.revokeShare(request.params.id))) throw new HttpError(404, 'TF_ERR_NOT_FOUND', 'No such share link');
        deps.audit?.record({ action: 'share.revoke', by: request.principal, target: request.params.id });
        return { status: 204 };
      },
    }),
  ];
  return { dispose: () => routes.forEach((route) => route.dispose()) };
}
