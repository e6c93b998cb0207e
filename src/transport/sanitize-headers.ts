const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// uWS writes these itself (framing) or they belong to the connection, not to a handler.
const RESERVED = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'date']);

/**
 * Handler-supplied headers, lower-cased, minus anything that could split the response (CR/LF, bad
 * names) or break framing. uWS copies header bytes verbatim, so this is the only line of defence.
 * Returns the dropped names so the caller can log them (names only, never values).
 */
export function sanitizeHeaders(headers: Readonly<Record<string, unknown>> | undefined): { headers: Record<string, string>; dropped: string[] } {
  const clean: Record<string, string> = {};
  const dropped: string[] = [];
  if (headers === undefined || headers === null) return { headers: clean, dropped };
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!TOKEN.test(name) || RESERVED.has(name) || typeof value !== 'string' || /[\r\n\0]/.test(value)) {
      dropped.push(rawName);
      continue;
    }
    Object.defineProperty(clean, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return { headers: clean, dropped };
}
