import { STATUS_CODES } from 'node:http';

/** `404` → `404 Not Found`: uWS writes the status line verbatim. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}
