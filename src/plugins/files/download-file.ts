import * as path from 'node:path';
import { create as contentDisposition } from 'content-disposition';
import { parseByteRange, type HttpResponse } from '../../plugin-api';
import type { Jail } from './jail';

/**
 * A download of the real file `real` with the headers that keep a browser from ever rendering it:
 * `application/octet-stream`, `Content-Disposition: attachment` (RFC 6266 filename, with the
 * `content-disposition` library), `nosniff` (the transport's), a sandboxing CSP, no caching. One
 * `Range` is answered 206 (`If-Range` with a stale ETag gets the whole file); the body is read by
 * the transport from the file descriptor the jail opened and checked (a `ResponseFile`).
 */
export async function downloadFile(jail: Jail, real: string, headers: Readonly<Record<string, string>>, what: string): Promise<HttpResponse> {
  const { handle, stats } = await jail.openFile(real, what);
  try {
    const size = stats.size;
    const etag = `W/"${size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const range = parseByteRange(headers['range'], size, { header: headers['if-range'], currentValidator: etag });
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, Math.max(0, size - 1)];
    const length = size === 0 ? 0 : end - start + 1;
    return {
      status: range.kind === 'partial' ? 206 : 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': contentDisposition(path.basename(real)),
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'private, no-store',
        'accept-ranges': 'bytes',
        'last-modified': stats.mtime.toUTCString(),
        etag,
        ...(range.kind === 'partial' ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
      },
      // The transport owns the handle from here and closes it in every case.
      file: { handle, start, length },
    };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}
