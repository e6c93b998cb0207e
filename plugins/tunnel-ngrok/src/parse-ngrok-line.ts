import { parseLogfmt } from './parse-logfmt';

/** What one line of ngrok's log tells us. */
export type NgrokLineInfo =
  | { kind: 'web'; address: string }
  | { kind: 'url'; url: string }
  | { kind: 'error'; message: string }
  | { kind: 'other' };

/**
 * Classify one line of `ngrok http … --log stdout --log-format logfmt` (ngrok v3). Startup failures
 * such as a missing authtoken may also arrive as plain `ERROR:  …` lines.
 */
export function parseNgrokLine(line: string): NgrokLineInfo {
  const plain = /^ERROR:(.*)$/.exec(line);
  if (plain) return { kind: 'error', message: oneLine(plain[1]) };
  const fields = parseLogfmt(line);
  if (fields.lvl === 'eror' || fields.lvl === 'crit' || fields.lvl === 'error') return { kind: 'error', message: oneLine(fields.err || fields.msg || line) };
  if (fields.msg === 'starting web service' && fields.addr) return { kind: 'web', address: fields.addr };
  if (fields.msg === 'started tunnel' && fields.url?.startsWith('https://')) return { kind: 'url', url: fields.url };
  return { kind: 'other' };
}

/** ngrok's messages span lines (cause, hints, error code): one line for a status field. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
