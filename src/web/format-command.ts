/**
 * An argv array as a command line that {@link splitCommand} reads back as the same argv: words
 * with spaces, quotes or backslashes are single-quoted.
 */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((word) => (word !== '' && /^[A-Za-z0-9_@%+=:,./~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`)).join(' ');
}
