import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Busboy from '@fastify/busboy';
import { errnoOf, FilesErrors, fsError } from './files-errors';
import type { OpenedDirectory } from './jail';
import { sanitizeFileName } from './sanitize-file-name';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** Prefix of the temp files uploads are written to (next to their final name, so the rename is atomic). */
export const UPLOAD_TEMP_PREFIX = '.tf-upload-';
/** Bytes a temp file's write stream holds before it pushes back on the parser. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
/** Bytes busboy and each file part buffer. */
const PARSER_BUFFER_BYTES = 1024 * 1024;

/** One file of an upload, written to its temp file and not yet under its name. */
export interface ReceivedFile {
  /** The sanitized name it is to get. */
  name: string;
  /** The temp file's name in the same directory. */
  temp: string;
  size: number;
  /** The temp file exists (and must be removed if the upload fails). */
  created: boolean;
}

export interface ReceiveOptions {
  contentType: string;
  maxFiles: number;
  maxFileBytes: number;
  /** Mode of the new files (before the umask). */
  mode: number;
  /** Refuse at once (409, before any byte is written) names that exist, unless overwriting or renaming to a free name. */
  refuseExisting: boolean;
}

/**
 * Parses a `multipart/form-data` body with `@fastify/busboy` and streams each file part into a new
 * temp file (`O_CREAT|O_EXCL|O_NOFOLLOW`) in `dir`, as fast as the disk takes it: busboy, the body
 * stream and the transport pause in turn, so nothing is buffered whole. Form fields are ignored.
 *
 * All or nothing: on any failure (a name that exists, a file over the cap, too many files, a
 * malformed form, a full disk, the client gone) parsing stops, every temp file written so far is
 * removed, and the first failure is thrown. The caller renames the temp files into place.
 */
export async function receiveUploads(body: Readable, dir: OpenedDirectory, options: ReceiveOptions): Promise<ReceivedFile[]> {
  const parser = Busboy({
    headers: { 'content-type': options.contentType },
    // Larger than the 16 KiB defaults: fewer pause/resume round trips down to the socket (measured).
    highWaterMark: PARSER_BUFFER_BYTES,
    fileHwm: PARSER_BUFFER_BYTES,
    limits: { files: options.maxFiles, fileSize: options.maxFileBytes, fields: 32, fieldSize: 64 * 1024, parts: options.maxFiles + 32, headerPairs: 64 },
  });
  const received: ReceivedFile[] = [];
  const active = new Set<Readable>();
  const writes: Promise<void>[] = [];
  let failure: unknown = null;
  // Errors are collected through `fail` and the pipelines; a destroy after they finished must not
  // become an unhandled 'error' event (that would be an uncaught exception in the agent).
  const ignore = (): void => undefined;
  parser.on('error', ignore);
  const fail = (error: unknown): void => {
    if (failure !== null) return;
    failure = error;
    // Stop everything at once: the parser (and with it the body), and every file being written.
    parser.destroy(error as Error);
    for (const stream of active) stream.destroy(error as Error);
  };

  parser.on('file', (_field, stream, filename) => {
    stream.on('error', ignore);
    if (failure !== null) return void stream.resume();
    let name: string;
    try {
      name = sanitizeFileName(filename ?? '');
      if (received.some((file) => file.name === name)) throw FilesErrors.badUpload(`two files in this upload are named ${JSON.stringify(name)}`);
    } catch (error) {
      stream.resume();
      return fail(error);
    }
    const file: ReceivedFile = { name, temp: `${UPLOAD_TEMP_PREFIX}${randomBytes(8).toString('hex')}.part`, size: 0, created: false };
    received.push(file);
    active.add(stream);
    stream.on('limit', () => fail(FilesErrors.tooLarge(options.maxFileBytes)));
    writes.push(
      writeTemp(stream, dir, file, options)
        .catch((error: unknown) => fail(fsError(error, JSON.stringify(name))))
        .finally(() => active.delete(stream)),
    );
  });
  parser.on('filesLimit', () => fail(FilesErrors.badUpload(`at most ${options.maxFiles} files per upload (plugins.files.options.maxFilesPerUpload)`)));
  parser.on('partsLimit', () => fail(FilesErrors.badUpload('too many parts in the form')));
  parser.on('fieldsLimit', () => fail(FilesErrors.badUpload('too many fields in the form')));

  try {
    await pipeline(body, parser);
  } catch (error) {
    // The body stream's own errors (413 answered, client gone) or busboy's (a malformed form).
    const code = errnoOf(error);
    fail(code === 'TF_ERR_PAYLOAD_TOO_LARGE' || code === 'ECONNRESET' ? error : FilesErrors.badUpload(`not a valid multipart/form-data body: ${(error as Error).message}`));
  }
  await Promise.all(writes);
  if (failure === null && received.length === 0) failure = FilesErrors.badUpload('the form holds no file (send each file as a part with a filename)');
  if (failure !== null) {
    await removeTemps(dir, received);
    throw failure;
  }
  return received;
}

/** Removes the temp files of `files` that were created (a missing one is fine). */
export async function removeTemps(dir: OpenedDirectory, files: readonly ReceivedFile[]): Promise<void> {
  await Promise.all(files.filter((file) => file.created).map((file) => unlink(dir.at(file.temp)).catch(() => undefined)));
}

async function writeTemp(stream: Readable & { truncated?: boolean }, dir: OpenedDirectory, file: ReceivedFile, options: ReceiveOptions): Promise<void> {
  if (options.refuseExisting) {
    const exists = await lstat(dir.at(file.name)).then(() => true, (error: unknown) => (errnoOf(error) === 'ENOENT' ? false : Promise.reject(error)));
    if (exists) throw FilesErrors.exists(JSON.stringify(file.name));
  }
  const handle = await open(dir.at(file.temp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, options.mode);
  file.created = true;
  // A deep buffer lets chunks gather while a write is in flight: one writev(2) for many, not a call each.
  const out = handle.createWriteStream({ highWaterMark: WRITE_BUFFER_BYTES }); // closes the handle when done or destroyed
  await pipeline(stream, out);
  file.size = out.bytesWritten;
  if (stream.truncated) throw FilesErrors.tooLarge(options.maxFileBytes);
}
