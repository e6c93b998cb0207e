import { MAX_NAME_BYTES } from './check-path-text';
import { FilesErrors } from './files-errors';

/** Characters never kept in an uploaded name: controls, invisible and direction-changing ones. */
const DROPPED = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/gu;
/** Separators and their look-alikes become `_`: a name is one name, whatever the client sent. */
const SEPARATORS = /[/\\\u2044\u2215\u29f8\u2571\u1735\u2216\u29f5\u29f9\uff0f\uff3c\ufe68]/gu;

/**
 * The name an uploaded file is stored under, from the name the client sent: only the last component
 * (a browser may send `C:\Users\ada\photo.png`), Unicode NFC, controls and invisible characters
 * dropped, separators and their look-alikes replaced by `_`, surrounding spaces and trailing dots
 * trimmed (Windows and some shells treat them specially), cut to 255 UTF-8 bytes keeping the
 * extension. Throws 400 `TF_ERR_BAD_NAME` when nothing usable remains (`''`, `.`, `..`).
 */
export function sanitizeFileName(sent: string): string {
  const last = sent.split(/[/\\]/).pop() ?? '';
  let name = last.normalize('NFC').replace(DROPPED, '').replace(SEPARATORS, '_').trim().replace(/[. ]+$/, '');
  if (name === '' || name === '.' || name === '..' || /^\.+$/.test(name)) throw FilesErrors.badName(`the file name ${JSON.stringify(sent.slice(0, 100))} has nothing usable left`);
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) name = shorten(name);
  return name;
}

/** Cut to the byte limit at a character boundary, keeping a short extension. */
function shorten(name: string): string {
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const budget = MAX_NAME_BYTES - Buffer.byteLength(extension);
  let stem = '';
  let bytes = 0;
  for (const char of extension === '' ? name : name.slice(0, dot)) {
    bytes += Buffer.byteLength(char);
    if (bytes > budget) break;
    stem += char;
  }
  return stem + extension;
}
