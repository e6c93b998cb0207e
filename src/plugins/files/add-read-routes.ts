import { lstat } from 'node:fs/promises';
import { z, type Disposable, type HttpRoutes } from '../../plugin-api';
import { completePath, completionSchema } from './complete-path';
import { downloadFile } from './download-file';
import { describeEntry, fileEntrySchema } from './file-entry';
import { assertMayRead, type FilesContext } from './files-context';
import { fsError } from './files-errors';
import { directoryPageSchema, pageFields, pathField } from './files-schemas';
import { listDirectory } from './list-directory';
import { previewFile, previewSchema } from './preview-file';
import { RouteErrors } from './route-errors';
import { quotePath } from './quote-path';

const tags = ['files'];

/**
 * The reading routes under `/api/files` (access `viewer`, but viewers need `readOnlyBrowsing`):
 * list a directory (paged), stat an entry, complete a partial path, preview and download a file.
 */
export function addReadRoutes(http: HttpRoutes, files: FilesContext): Disposable[] {
  const { jail, config } = files;
  return [
    http.add({
      method: 'GET',
      path: '/api/files/list',
      access: 'viewer',
      schema: { query: z.object({ path: pathField, ...pageFields }), response: directoryPageSchema },
      doc: { summary: 'List a directory: directories first, then by name; paged', tags, errors: RouteErrors.read },
      async handler({ query, principal }) {
        assertMayRead(principal, config);
        const real = await jail.resolve(query.path);
        return { json: await listDirectory(jail, real, query.offset, query.limit, quotePath(query.path)) };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/files/stat',
      access: 'viewer',
      schema: { query: z.object({ path: pathField }), response: fileEntrySchema },
      doc: { summary: 'One entry (a symbolic link itself, with its target)', tags, errors: RouteErrors.read },
      async handler({ query, principal }) {
        assertMayRead(principal, config);
        const entry = await jail.resolveEntry(query.path);
        await lstat(entry.path).catch((error: unknown) => {
          throw fsError(error, quotePath(query.path));
        });
        return { json: await describeEntry(entry.parent, entry.name, entry.path, jail) };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/files/complete',
      access: 'viewer',
      schema: {
        query: z.object({
          prefix: z.string().describe('What was typed so far: /home/ada/pro, ~/pro, ~/projects/'),
          type: z.enum(['directory', 'any']).default('directory').describe('directory: for a working-directory picker'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: z.object({ directory: z.string(), completions: z.array(completionSchema), truncated: z.boolean() }),
      },
      doc: { summary: 'Complete a partial path (the cwd picker)', tags, errors: RouteErrors.read },
      async handler({ query, principal }) {
        assertMayRead(principal, config);
        return { json: await completePath(jail, query.prefix, { directoriesOnly: query.type === 'directory', limit: query.limit }) };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/files/preview',
      access: 'viewer',
      schema: { query: z.object({ path: pathField }), response: previewSchema },
      doc: { summary: 'The start of a text file (plugins.files.options.previewMaxBytes), or an image\'s type and size', tags, errors: RouteErrors.file },
      async handler({ query, principal }) {
        assertMayRead(principal, config);
        const real = await jail.resolve(query.path);
        return { json: await previewFile(jail, real, config.previewMaxBytes, quotePath(query.path)) };
      },
    }),
    http.add({
      method: 'GET',
      path: '/api/files/download',
      access: 'viewer',
      schema: { query: z.object({ path: pathField }) },
      doc: { summary: 'Download a file (attachment, never rendered; Range for resuming)', tags, responseType: 'application/octet-stream', ranges: true, errors: RouteErrors.file },
      async handler({ query, principal, headers }) {
        assertMayRead(principal, config);
        const real = await jail.resolve(query.path);
        return downloadFile(jail, real, headers, quotePath(query.path));
      },
    }),
  ];
}
