/**
 * What Ctrl+<key> sends in a terminal, for the sticky Ctrl of the key bar: letters → 0x01..0x1a,
 * `@ [ \ ] ^ _` and space → their control codes, `?` → DEL. Other input passes unchanged.
 */
export function ctrlKey(data: string): string {
  if (data.length !== 1) return data;
  const code = data.toUpperCase().charCodeAt(0);
  if (code >= 0x40 && code <= 0x5f) return String.fromCharCode(code - 0x40);
  if (data === ' ') return '\x00';
  if (data === '?') return '\x7f';
  return data;
}
