import { FilesErrors } from './files-errors';

/** Longest path accepted, in UTF-8 bytes (Linux PATH_MAX). */
const MAX_PATH_BYTES = 4096;
/** Longest single name, in UTF-8 bytes (NAME_MAX of common file systems). */
export const MAX_NAME_BYTES = 255;

/** Invisible and direction-changing characters: they make a name read as something it is not. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;
/** C0 and C1 controls (a newline in a path would be a second line when typed into a shell). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/**
 * Look-alikes of `/`, `\` and `.` that NFKC does not fold to them (from Unicode's confusables list):
 * fraction, division and big solidus, box-drawing diagonal, set minus, reverse solidus operator,
 * one-dot leader's relatives and the Arabic-Indic zeros that render as a dot.
 */
const CONFUSABLES = /[\u2044\u2215\u29f8\u2571\u1735\u2216\u29f5\u29f9\u0660\u06f0\u0701\u0702\ua4f8]/u;
/** The ellipsis folds to "..." (a plain name, never a parent step) and is common in real names. */
const ELLIPSIS = '\u2026';
/** A percent-encoded dot, slash, backslash or NUL left after the one decoding a URL gets: double encoding. */
const ENCODED = /%(?:2e|2f|5c|00)/i;
const ANY_ESCAPE = /%[0-9a-f]{2}/i;

/**
 * Checks the text of a path before it touches the file system, and refuses (400 `TF_ERR_BAD_PATH`)
 * what could only be a trick or a mistake: a NUL byte (C truncates there), backslashes (another
 * system's separator), controls, invisible or direction-changing characters, look-alikes of `/`,
 * `\` or `.` (NFKC-folded or in the confusables above), percent-encoded dots and slashes that
 * survived the URL's own decoding, `..` segments (refused, never normalised away), and names or
 * paths longer than the file system allows. Returns the text unchanged.
 */
export function checkPathText(raw: unknown, what = 'path'): string {
  if (typeof raw !== 'string' || raw === '') throw FilesErrors.badPath(`${what} is empty`);
  if (raw.includes('\0')) throw FilesErrors.badPath(`${what} contains a NUL byte`);
  if (raw.includes('\\')) throw FilesErrors.badPath(`${what} contains a backslash; use / between names`);
  if (CONTROL.test(raw)) throw FilesErrors.badPath(`${what} contains a control character`);
  if (INVISIBLE.test(raw)) throw FilesErrors.badPath(`${what} contains an invisible or direction-changing character`);
  if (hidesEncodedSeparator(raw)) throw FilesErrors.badPath(`${what} contains a percent-encoded . / \\ or NUL (encoded twice?)`);
  for (const char of raw) {
    if (char.charCodeAt(0) < 0x80 || char === ELLIPSIS) continue;
    if (CONFUSABLES.test(char) || /[./\\]/.test(char.normalize('NFKC'))) {
      const code = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      throw FilesErrors.badPath(`${what} contains U+${code}, a look-alike of ".", "/" or "\\"`);
    }
  }
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) throw FilesErrors.badPath(`${what} is longer than ${MAX_PATH_BYTES} bytes`);
  for (const segment of raw.split('/')) {
    if (segment === '..') throw FilesErrors.badPath(`${what} contains "..": name the directory itself`);
    if (Buffer.byteLength(segment) > MAX_NAME_BYTES) throw FilesErrors.badPath(`${what} has a name longer than ${MAX_NAME_BYTES} bytes`);
  }
  return raw;
}

/**
 * Whether decoding the text again (as a careless proxy, a second server or a script might) would
 * produce an encoded `.`, `/`, `\` or NUL, at any depth: `%2e`, `%252e`, `%25252e`…
 */
function hidesEncodedSeparator(text: string): boolean {
  let layer = text;
  for (let depth = 0; depth < 8 && ANY_ESCAPE.test(layer); depth++) {
    if (ENCODED.test(layer)) return true;
    layer = layer.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return false;
}
