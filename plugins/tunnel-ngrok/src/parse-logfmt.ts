const PAIR = /([A-Za-z0-9_.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;

/** Parse one logfmt line (`t=… lvl=info msg="started tunnel" url=https://…`) into its key/value pairs. */
export function parseLogfmt(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of line.matchAll(PAIR)) {
    fields[match[1]] = match[2] !== undefined ? unescape(match[2]) : (match[3] ?? '');
  }
  return fields;
}

/** Undo the escapes of a quoted logfmt value (`\"`, `\\`, `\n`, `\r`, `\t`). */
function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c));
}
