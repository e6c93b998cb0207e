import rangeParser from 'range-parser';
import { HttpError } from './http-routes';

/** What a `Range` header asks of a body of known size. */
export type ByteRange =
  /** No usable range: send the whole body with 200 (no header, another unit, several ranges, or a stale `If-Range`). */
  | { kind: 'full' }
  /** Send bytes `start`..`end` (inclusive) with 206 and `Content-Range: bytes start-end/size`. */
  | { kind: 'partial'; start: number; end: number };

/**
 * Reads a request's `Range` header (RFC 9110 §14) for a body of `size` bytes, with the `range-parser`
 * library. One range is served as asked; several ranges, another unit or a malformed header get the
 * whole body, as the RFC allows a server to ignore `Range` (multipart/byteranges is not worth its
 * complexity here). `ifRange`, when given, is the `If-Range` header: a validator that does not equal
 * `currentValidator` (the body changed since the client's first piece) also means the whole body.
 *
 * Throws 416 `TF_ERR_RANGE_NOT_SATISFIABLE` (with `Content-Range: bytes *\/size`) when the one
 * range starts past the end. Declare `doc.ranges: true` on a route that uses it.
 */
export function parseByteRange(header: string | undefined, size: number, ifRange?: { header: string | undefined; currentValidator: string }): ByteRange {
  if (header === undefined || header.trim() === '') return { kind: 'full' };
  if (ifRange?.header !== undefined && ifRange.header !== ifRange.currentValidator) return { kind: 'full' };
  // A spec whose last byte comes before its first is invalid, not unsatisfiable (RFC 9110 §14.1.1): ignore the header.
  if (header.replace(/^\s*bytes=/i, '').split(',').some(isBackwards)) return { kind: 'full' };
  const parsed = rangeParser(size, header, { combine: true });
  if (parsed === -1) throw new HttpError(416, 'TF_ERR_RANGE_NOT_SATISFIABLE', `Range ${header.slice(0, 64)} is outside the ${size} bytes of the body`, undefined, { 'content-range': `bytes */${size}` });
  if (parsed === -2 || parsed.type !== 'bytes' || parsed.length !== 1) return { kind: 'full' };
  return { kind: 'partial', start: parsed[0].start, end: parsed[0].end };
}

/** `first-last` with `last` before `first`. */
function isBackwards(spec: string): boolean {
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(spec);
  return match !== null && Number(match[1]) > Number(match[2]);
}
