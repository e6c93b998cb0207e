/**
 * The little HTTP/1.1 the bench's raw-socket clients speak (`download-to-file.ts`,
 * `upload-from-file.ts`): test equipment for answers of the agent's own shape, not a general parser.
 */

/** The request line and headers of a request for `target`, ready to write before the body. */
export function requestHead(method: string, target: URL, headers: Record<string, string>): string {
  const lines = [`${method} ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A response head, parsed. */
export interface ResponseHead {
  /** `HTTP/1.1 200 OK`. */
  statusLine: string;
  status: number;
  /** The `Content-Length`, or null without one. */
  contentLength: number | null;
  /** Where the body starts in the bytes given. */
  bodyStart: number;
}

/** The head at the start of `received`, or null while it is not whole yet. */
export function parseResponseHead(received: Buffer): ResponseHead | null {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = received.subarray(0, end).toString('latin1').split('\r\n');
  const declared = lines.find((line) => /^content-length:/i.test(line));
  return {
    statusLine: lines[0],
    status: Number(lines[0].split(' ')[1]),
    contentLength: declared === undefined ? null : Number(declared.slice(declared.indexOf(':') + 1).trim()),
    bodyStart: end + 4,
  };
}
