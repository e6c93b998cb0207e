const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'plugin']);
const COLORS: Record<string, string> = {
  trace: '\x1b[90m', debug: '\x1b[36m', info: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m', fatal: '\x1b[35m',
};
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * One readable line from a pino JSON record:
 * `12:04:05.123 INFO  [tunnel-ngrok] tunnel up url=https://x.ngrok.app region=eu`.
 * Errors (`err`/`error` fields) show their message; their stack only for error and fatal lines.
 */
export function formatPrettyLine(record: Record<string, unknown>, options: { colors?: boolean } = {}): string {
  const level = String(record.level ?? 'info');
  const time = formatTime(record.time);
  const paint = (code: string | undefined, text: string) => (options.colors && code ? `${code}${text}${RESET}` : text);
  const parts = [paint(DIM, time), paint(COLORS[level], level.toUpperCase().padEnd(5))];
  if (record.plugin !== undefined) parts.push(`[${String(record.plugin)}]`);
  parts.push(String(record.msg ?? ''));
  let stack = '';
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN.has(key) || value === undefined) continue;
    if ((key === 'err' || key === 'error') && isSerializedError(value)) {
      parts.push(`${paint(DIM, key + '=')}${formatValue(value.message)}`);
      if ((level === 'error' || level === 'fatal') && typeof value.stack === 'string') {
        stack = '\n' + value.stack.split('\n').slice(1).map((l) => '    ' + l.trim()).join('\n');
      }
      continue;
    }
    parts.push(`${paint(DIM, key + '=')}${formatValue(value)}`);
  }
  return parts.join(' ') + stack + '\n';
}

function formatTime(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : new Date();
  if (Number.isNaN(date.getTime())) return String(time);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function isSerializedError(value: unknown): value is { message: unknown; stack?: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value && ('stack' in value || 'type' in value);
}
