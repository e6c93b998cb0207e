import { actorOf, FileUploaded, HttpError, z, type Disposable, type HttpRoutes, type Principal, type SessionInfo, type SessionManager } from '../../plugin-api';
import { downloadLinkSchema, issueDownloadLink } from './add-link-routes';
import { downloadFile } from './download-file';
import { assertMayRead, type FilesContext } from './files-context';
import { directoryPageSchema, pageFields, uploadedSchema, uploadFormSchema } from './files-schemas';
import type { Jail } from './jail';
import { listDirectory } from './list-directory';
import { RouteErrors } from './route-errors';
import { shellQuote } from './shell-quote';
import { uploadInto } from './upload-into';
import { quotePath } from './quote-path';

const tags = ['files'];
const idParams = z.object({ id: z.string().describe('Session id') });
const relativePath = z.string().optional().describe("Absolute, ~/…, or relative to the session's working directory (default: that directory)");
const sessionErrors = { 404: 'No such session (TF_ERR_SESSION_NOT_FOUND), or no such file (TF_ERR_FILE_NOT_FOUND)' };

/** The session `id` as the caller may see it (a share link sees only its own), or 404 as core-sessions answers. */
function sessionFor(sessions: SessionManager, id: string, principal: Principal | null): SessionInfo {
  const info = principal?.sessionId === undefined || principal.sessionId === id ? sessions.get(id) : undefined;
  if (info === undefined) throw new HttpError(404, 'TF_ERR_SESSION_NOT_FOUND', `no session ${JSON.stringify(id.slice(0, 64))}`);
  return info;
}

/**
 * Files seen from a session: list and download relative to its working directory (what the web
 * client's file panel shows; a share link may use these, below that directory only, when
 * `readOnlyBrowsing` is on), and upload into the session: the files are stored (by default in the
 * session's private upload directory) and their shell-quoted absolute paths typed into its input,
 * separated by spaces and without Enter, so the program (or the person) decides what to do.
 */
export function addSessionFileRoutes(http: HttpRoutes, files: FilesContext, sessions: SessionManager): Disposable[] {
  const { jail, config, events } = files;
  /** The jail for this caller and session: a share link is held below the session's cwd. */
  const jailFor = async (principal: Principal | null, session: SessionInfo): Promise<Jail> => {
    if (principal?.sessionId === undefined) return jail;
    return jail.narrowTo(await jail.resolve(session.cwd).catch(() => null));
  };
  return [
    http.add({
      method: 'GET',
      path: '/api/sessions/:id/files',
      access: 'viewer',
      schema: { params: idParams, query: z.object({ path: relativePath, ...pageFields }), response: directoryPageSchema },
      doc: { summary: "List a directory relative to the session's working directory", tags, errors: { ...RouteErrors.read, ...sessionErrors } },
      async handler({ params, query, principal }) {
        assertMayRead(principal, config);
        const session = sessionFor(sessions, params.id, principal);
        const confined = await jailFor(principal, session);
        const real = await confined.resolve(query.path ?? '.', session.cwd);
        return { json: await listDirectory(confined, real, query.offset, query.limit, quotePath(query.path ?? session.cwd)) };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/sessions/:id/files/download',
      access: 'viewer',
      schema: { params: idParams, query: z.object({ path: z.string().describe("Absolute, ~/…, or relative to the session's working directory") }) },
      doc: { summary: "Download a file relative to the session's working directory", tags, responseType: 'application/octet-stream', ranges: true, errors: { ...RouteErrors.file, ...sessionErrors } },
      async handler({ params, query, principal, headers }) {
        assertMayRead(principal, config);
        const session = sessionFor(sessions, params.id, principal);
        const confined = await jailFor(principal, session);
        const real = await confined.resolve(query.path, session.cwd);
        return downloadFile(confined, real, headers, quotePath(query.path));
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/sessions/:id/files/download-link',
      access: 'viewer',
      schema: { params: idParams, body: z.strictObject({ path: z.string().describe("Absolute, ~/…, or relative to the session's working directory") }), response: downloadLinkSchema },
      doc: { summary: "A single-use link to download a file relative to the session's working directory, without credentials (GET /api/files/fetch); it dies with the session", tags, errors: { ...RouteErrors.link, ...sessionErrors } },
      async handler({ params, body, principal }) {
        assertMayRead(principal, config);
        const session = sessionFor(sessions, params.id, principal);
        const confined = await jailFor(principal, session);
        const real = await confined.resolve(body.path, session.cwd);
        return { json: await issueDownloadLink(files.links, { jail: confined, real, what: quotePath(body.path), principal: principal!, sessionId: session.id }) };
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/sessions/:id/upload',
      access: 'writer',
      maxBodyBytes: config.maxUploadBytes,
      streamBody: { accept: ['multipart/form-data'], schema: uploadFormSchema },
      schema: {
        params: idParams,
        query: z.object({ dir: z.string().optional().describe("Store here instead (absolute, ~/…, or relative to the session's working directory)") }),
        response: uploadedSchema.extend({ typed: z.string().describe('What was typed into the session') }),
      },
      doc: {
        summary: "Upload files into a session: stored, and their quoted paths typed into the session's input",
        description: 'Names that exist get " (1)", " (2)", … (nothing is replaced). Default directory: plugins.files.options.sessionUploads.',
        tags,
        status: 201,
        errors: { ...RouteErrors.upload, ...sessionErrors, 409: 'The session has exited (TF_ERR_SESSION_EXITED)' },
      },
      async handler({ params, query, headers, bodyStream, principal }) {
        const session = sessionFor(sessions, params.id, principal);
        if (session.state !== 'running') throw new HttpError(409, 'TF_ERR_SESSION_EXITED', `session ${session.id} has exited`);
        let target: { jail: Jail; dir: string; fileMode: number };
        if (query.dir !== undefined) target = { jail, dir: await jail.resolve(query.dir, session.cwd), fileMode: 0o666 };
        else if (config.sessionUploads === 'cwd') target = { jail, dir: await jail.resolve(session.cwd), fileMode: 0o666 };
        else {
          const uploads = await files.sessionDirs();
          target = { jail: uploads.jail, dir: await uploads.dirs.forSession(session.id), fileMode: 0o600 };
        }
        const stored = await uploadInto(target.jail, target.dir, bodyStream, headers['content-type'] ?? '', config, { mode: 'rename', fileMode: target.fileMode, what: quotePath(query.dir ?? target.dir) });
        const typed = stored.map((file) => shellQuote(file.path)).join(' ');
        try {
          sessions.write(session.id, typed);
        } finally {
          for (const file of stored) events.publish(FileUploaded, { path: file.path, size: file.size, sessionId: session.id, by: actorOf(principal) });
        }
        return { status: 201, json: { files: stored, typed } };
      },
    }),
  ];
}

