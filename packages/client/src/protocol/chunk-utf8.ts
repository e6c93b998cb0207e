const encoder = new TextEncoder();

/**
 * Text as UTF-8 in pieces of at most `maxBytes` (for INPUT frames: a large paste must not exceed
 * the server's frame limit). Pieces end on character boundaries.
 */
export function chunkUtf8(text: string, maxBytes = 64 * 1024): Uint8Array<ArrayBuffer>[] {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return bytes.length === 0 ? [] : [bytes];
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    // Back off continuation bytes (10xxxxxx) so a character is never split between frames.
    while (end < bytes.length && end > start && (bytes[end] & 0xc0) === 0x80) end--;
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}
