/** Event names and ids are single-line by definition; a stray CR/LF would let data forge events. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\0]/g, '');
}

/**
 * One server-sent event: `event:`, `id:` and a single `data:` line holding JSON (JSON never contains
 * a raw line break, so one line always suffices), ended by a blank line. Throws if `data` cannot be
 * serialised (circular, BigInt): a caller bug, reported to the caller.
 */
export function formatSseEvent(event: string, data: unknown, id?: string | number): string {
  let text = '';
  if (event !== '') text += `event: ${oneLine(event)}\n`;
  if (id !== undefined) text += `id: ${oneLine(String(id))}\n`;
  return `${text}data: ${JSON.stringify(data) ?? 'null'}\n\n`;
}
