import { TunnelForgeError } from '@tunnelforge/client';

/**
 * The words to show for a failed call: the server's own message, with the fields it named on a 400
 * (`name: too short`), so a form shows what the agent refused and why.
 */
export function errorText(error: unknown): string {
  if (!(error instanceof TunnelForgeError)) return error instanceof Error ? error.message : String(error);
  const fields = Array.isArray(error.details)
    ? (error.details as Array<{ path?: unknown; message?: unknown }>).filter((d) => typeof d?.message === 'string').map((d) => `${String(d.path ?? '').replace(/^body\./, '')}: ${String(d.message)}`)
    : [];
  return fields.length > 0 ? `${error.message} (${fields.join('; ')})` : error.message;
}
