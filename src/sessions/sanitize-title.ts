/** C0 and C1 control characters and DEL: a title is shown in HTML, notifications and logs, never interpreted. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * A terminal title as the agent shows it: control characters removed, whitespace trimmed, at most
 * `maxChars` characters (cut on a code point boundary, so no half surrogate pair is left). An empty
 * result is null (the program cleared its title).
 */
export function sanitizeTitle(raw: string, maxChars: number): string | null {
  let title = raw.replace(CONTROL, '').trim();
  if (title.length > maxChars) {
    title = title.slice(0, maxChars);
    const last = title.charCodeAt(title.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) title = title.slice(0, -1);
  }
  return title === '' ? null : title;
}
