/**
 * A Tailscale identity header value as text. tailscaled sends non-ASCII names RFC 2047 Q-encoded
 * (`=?utf-8?q?J=C3=BCrgen?=`); plain ASCII comes as is. Anything malformed stays as sent.
 */
export function decodeHeaderValue(value: string): string {
  const match = /^=\?utf-8\?q\?(.*)\?=$/i.exec(value.trim());
  if (!match) return value.trim();
  const bytes: number[] = [];
  const text = match[1];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return value.trim();
  }
}
