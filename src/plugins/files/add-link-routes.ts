import { z, type Disposable, type HttpRoutes } from '../../plugin-api';
import { downloadFile } from './download-file';
import type { SingleUseTickets } from '../shared/single-use-tickets';
import { assertMayRead, type DownloadGrant, type FilesContext } from './files-context';
import { FilesErrors } from './files-errors';
import { pathField } from './files-schemas';
import { RouteErrors } from './route-errors';
import { quotePath } from './quote-path';

const tags = ['files'];

/** The answer of a `…/download-link` route. */
export const downloadLinkSchema = z.object({
  url: z.string().describe('Path of the link on this agent (/api/files/fetch?ticket=…): GET it once, without credentials, before expiresAt'),
  expiresAt: z.string().describe('ISO time after which the link is refused'),
});

/**
 * A single-use link for `grant`, after the same checks a download makes (jail, regular file, hard
 * links), so what would fail fails now, in words, and not in the browser's download list.
 */
export async function issueDownloadLink(links: SingleUseTickets<DownloadGrant>, grant: DownloadGrant): Promise<z.output<typeof downloadLinkSchema>> {
  const { handle } = await grant.jail.openFile(grant.real, grant.what);
  await handle.close();
  const { ticket, expiresAt } = links.issue(grant);
  return { url: `/api/files/fetch?ticket=${ticket}`, expiresAt: new Date(expiresAt).toISOString() };
}

/**
 * Download links: `POST /api/files/download-link` trades the caller's credential for a link to one
 * file, and `GET /api/files/fetch?ticket=` (public: the ticket is the credential) downloads it once.
 * A browser navigates to it and streams the file to disk with its own progress, where `fetch` with
 * a header would have to hold the whole file in the page. The ticket is never logged (the request
 * log has no query strings) and never leaves in a `Referer` (`no-referrer` on every answer).
 */
export function addLinkRoutes(http: HttpRoutes, files: FilesContext): Disposable[] {
  const { jail, config, links, sessions } = files;
  return [
    http.add({
      method: 'POST',
      path: '/api/files/download-link',
      access: 'viewer',
      schema: { body: z.strictObject({ path: pathField }), response: downloadLinkSchema },
      doc: { summary: 'A single-use link to download a file without credentials (for a browser download)', tags, errors: RouteErrors.link },
      async handler({ body, principal }) {
        assertMayRead(principal, config);
        const real = await jail.resolve(body.path);
        return { json: await issueDownloadLink(links, { jail, real, what: quotePath(body.path), principal: principal! }) };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/files/fetch',
      access: 'public',
      schema: { query: z.object({ ticket: z.string().min(1).max(128).describe('From a download-link answer; single use') }) },
      doc: {
        summary: 'Download through a single-use link (the ticket is the credential)',
        tags,
        responseType: 'application/octet-stream',
        ranges: true,
        errors: { ...RouteErrors.file, 404: `The link is unknown, used, expired or its session ended (TF_ERR_LINK_NOT_FOUND); ${RouteErrors.file[404]}` },
      },
      async handler({ query, headers }) {
        const grant = links.redeem(query.ticket);
        if (grant === null) throw FilesErrors.linkNotFound();
        // Rights as they are now: readOnlyBrowsing may have been turned off, the session may be gone.
        assertMayRead(grant.principal, config);
        if (grant.sessionId !== undefined && sessions?.get(grant.sessionId) === undefined) throw FilesErrors.linkNotFound();
        return downloadFile(grant.jail, grant.real, headers, grant.what);
      },
    }),
  ];
}
