/**
 * `text` as one word for a POSIX shell (sh, bash, zsh, fish reads it the same): left alone when it
 * holds only characters no shell treats specially, else in single quotes, each `'` written `'\''`.
 * Single quotes turn off every expansion, so a file named `$(reboot)` stays a file name.
 */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
