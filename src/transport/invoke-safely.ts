import type { Logger } from '../plugin-api/core-services';

/**
 * Calls plugin code (a WebSocket or SSE callback) so that neither a throw nor a rejected promise can
 * escape into uWS or become an unhandled rejection: a misbehaving client or handler must never take
 * the agent down. Returns false when `fn` threw synchronously.
 */
export function invokeSafely(log: Logger, what: string, fields: Record<string, unknown>, fn: () => unknown): boolean {
  const report = (error: unknown): void => {
    log.error(`${what} failed`, { ...fields, error: (error as Error)?.message, stack: (error as Error)?.stack });
  };
  try {
    const result = fn();
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') (result as PromiseLike<unknown>).then(undefined, report);
    return true;
  } catch (error) {
    report(error);
    return false;
  }
}
