// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\x1b\[[0-9;]*m/g;

const NOISE = [
  /^(YAML|JSON) Error in .*:$/, // cosmiconfig's prefix (the file is named elsewhere)
  /^TypeScriptLoader failed to compile TypeScript:$/,
  /^>?\s*\d+\s*\|/, // code frame lines
  /^[|\s]*\^+$/,
  /^-*\^$/,
  /^\|$/,
];

/**
 * One line saying why a config file could not be loaded, from the multi-line messages of
 * cosmiconfig, js-yaml, parse-json and jiti: prefixes, code frames and require stacks dropped,
 * a `file:line:col` location kept as `at line:col`.
 */
export function summarizeLoadError(error: unknown): string {
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String((error as { message: unknown }).message) : String(error);
  const lines: string[] = [];
  for (const raw of message.split('\n')) {
    // Code frames are coloured when the terminal (or CI=true) supports colour.
    const line = raw.replace(ANSI_ESCAPE, '').trim();
    if (line === 'Require stack:') break;
    if (line && !NOISE.some((re) => re.test(line))) lines.push(line);
  }
  const [first = 'unknown error', second] = lines;
  const location = second?.match(/:(\d+:\d+)$/);
  return location ? `${first} at line ${location[1]}` : first;
}
