/** What one line of cloudflared's log tells us. */
export type CloudflaredLineInfo =
  | { kind: 'quick-url'; url: string }
  | { kind: 'metrics'; address: string }
  | { kind: 'registered' }
  | { kind: 'error'; message: string }
  | { kind: 'other' };

// The quick-tunnel URL, as printed inside cloudflared's ASCII box. `api.trycloudflare.com` is the
// service cloudflared asks for a tunnel, and it shows up in error lines: never a tunnel URL.
const QUICK_URL = /https:\/\/((?:[a-z0-9-]+\.)*[a-z0-9-]+)\.trycloudflare\.com\b/i;
const METRICS = /Starting metrics server on (\S+?)\/metrics/;
const REGISTERED = /Registered tunnel connection/;
// zerolog console format: `2025-01-01T00:00:00Z ERR <message> key=value ...`.
const ERROR = /\s(?:ERR|FTL)\s+(.+)$/;

/** Classify one cloudflared log line (stderr, zerolog console format). */
export function parseCloudflaredLine(line: string): CloudflaredLineInfo {
  const error = ERROR.exec(line);
  if (error) return { kind: 'error', message: error[1].trim() };
  const url = QUICK_URL.exec(line);
  if (url && url[1].toLowerCase() !== 'api') return { kind: 'quick-url', url: `https://${url[1].toLowerCase()}.trycloudflare.com` };
  const metrics = METRICS.exec(line);
  if (metrics) return { kind: 'metrics', address: metrics[1] };
  if (REGISTERED.test(line)) return { kind: 'registered' };
  return { kind: 'other' };
}
