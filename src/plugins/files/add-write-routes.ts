import { lstat, mkdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { actorOf, DirectoryCreated, FileDeleted, FileRenamed, FileUploaded, z, type Disposable, type HttpRoutes } from '../../plugin-api';
import { describeEntry, fileEntrySchema, typeOf } from './file-entry';
import type { FilesContext } from './files-context';
import { errnoOf, FilesErrors, fsError } from './files-errors';
import { pathField, uploadedSchema, uploadFormSchema } from './files-schemas';
import { RouteErrors } from './route-errors';
import { uploadInto } from './upload-into';
import { quotePath } from './quote-path';

const tags = ['files'];
const flag = (description: string) => z.enum(['true', 'false']).default('false').transform((value) => value === 'true').describe(description);

/**
 * The writing routes (access `writer`): upload into a directory (multipart, streamed, all or
 * nothing), mkdir, rename, delete. Each change publishes its `files.*` event with `by`.
 */
export function addWriteRoutes(http: HttpRoutes, files: FilesContext): Disposable[] {
  const { jail, config, events } = files;
  const routes = [
    http.add({
      method: 'POST',
      path: '/api/files/upload',
      access: 'writer',
      maxBodyBytes: config.maxUploadBytes,
      streamBody: { accept: ['multipart/form-data'], schema: uploadFormSchema },
      schema: {
        query: z.object({ dir: pathField.describe('Directory to store the files in'), overwrite: flag('Replace files of the same name (atomically); otherwise 409') }),
        response: uploadedSchema,
      },
      doc: { summary: 'Upload files into a directory (streamed to a temp file each, then renamed into place)', tags, status: 201, errors: RouteErrors.upload },
      async handler({ query, headers, bodyStream, principal }) {
        const dir = await jail.resolve(query.dir);
        const stored = await uploadInto(jail, dir, bodyStream, headers['content-type'] ?? '', config, { mode: query.overwrite ? 'overwrite' : 'refuse', fileMode: 0o666, what: quotePath(query.dir) });
        for (const file of stored) events.publish(FileUploaded, { path: file.path, size: file.size, sessionId: null, by: actorOf(principal) });
        return { status: 201, json: { files: stored } };
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/files/mkdir',
      access: 'writer',
      schema: { body: z.strictObject({ path: pathField }), response: fileEntrySchema },
      doc: { summary: 'Create a directory (its parent must exist)', tags, status: 201, errors: RouteErrors.write },
      async handler({ body, principal }) {
        const entry = await jail.resolveEntry(body.path);
        if (entry.isRoot) throw FilesErrors.exists(quotePath(body.path));
        const parent = await jail.openDirectory(entry.parent, quotePath(path.dirname(body.path)));
        try {
          await mkdir(parent.at(entry.name), { mode: 0o777 }).catch((error: unknown) => {
            throw fsError(error, quotePath(body.path));
          });
          const created = await describeEntry(parent.path, entry.name, parent.at(entry.name), jail);
          events.publish(DirectoryCreated, { path: created.path, by: actorOf(principal) });
          return { status: 201, json: created };
        } finally {
          await parent.close();
        }
      },
    }),
    http.add({
      method: 'POST',
      path: '/api/files/rename',
      access: 'writer',
      schema: {
        body: z.strictObject({ from: pathField, to: pathField, overwrite: z.boolean().default(false).describe('Replace what is at `to` (a file, or an empty directory)') }),
        response: fileEntrySchema,
      },
      doc: { summary: 'Rename or move an entry (a link is moved, not what it points at)', tags, errors: RouteErrors.write },
      async handler({ body, principal }) {
        const from = await jail.resolveEntry(body.from);
        const to = await jail.resolveEntry(body.to);
        if (from.isRoot || to.isRoot) throw FilesErrors.rootProtected();
        if (jail.containsDenied(from.path)) throw FilesErrors.denied();
        const [source, target] = await Promise.all([jail.openDirectory(from.parent, quotePath(body.from)), jail.openDirectory(to.parent, quotePath(body.to))]);
        try {
          await lstat(source.at(from.name)).catch((error: unknown) => {
            throw fsError(error, quotePath(body.from));
          });
          if (!body.overwrite) {
            // rename(2) replaces silently; the no-replace variant is not in Node, so check first.
            const taken = await lstat(target.at(to.name)).then(() => true, (error: unknown) => (errnoOf(error) === 'ENOENT' ? false : Promise.reject(fsError(error, quotePath(body.to)))));
            if (taken) throw FilesErrors.exists(quotePath(body.to));
          }
          await rename(source.at(from.name), target.at(to.name)).catch((error: unknown) => {
            throw fsError(error, quotePath(body.to));
          });
          const moved = await describeEntry(target.path, to.name, target.at(to.name), jail);
          events.publish(FileRenamed, { from: from.path, to: moved.path, by: actorOf(principal) });
          return { json: moved };
        } finally {
          await Promise.all([source.close(), target.close()]);
        }
      },
    }),
  ];
  routes.push(
    http.add({
      method: 'DELETE',
      path: '/api/files',
      access: 'writer',
      schema: { query: z.object({ path: pathField, recursive: flag('Delete a directory with its contents') }) },
      doc: {
        summary: 'Delete a file, a link (not its target) or a directory',
        tags,
        status: 204,
        errors: { ...RouteErrors.write, 403: `${RouteErrors.write[403]}; deleting is turned off (TF_ERR_DELETE_DISABLED)` },
      },
      async handler({ query, principal }) {
        if (!config.allowDelete) throw FilesErrors.deleteDisabled();
        const entry = await jail.resolveEntry(query.path);
        if (entry.isRoot) throw FilesErrors.rootProtected();
        if (jail.containsDenied(entry.path)) throw FilesErrors.denied();
        const parent = await jail.openDirectory(entry.parent, quotePath(query.path));
        try {
          const target = parent.at(entry.name);
          const stats = await lstat(target).catch((error: unknown) => {
            throw fsError(error, quotePath(query.path));
          });
          const type = typeOf(stats);
          // rm never follows links: a link to a directory is removed as a link.
          const remove = type !== 'directory' ? unlink(target) : query.recursive ? rm(target, { recursive: true }) : rmdir(target);
          await remove.catch((error: unknown) => {
            throw fsError(error, quotePath(query.path));
          });
          events.publish(FileDeleted, { path: entry.path, type, recursive: type === 'directory' && query.recursive, by: actorOf(principal) });
          return { status: 204 };
        } finally {
          await parent.close();
        }
      },
    }),
  );
  return routes;
}
