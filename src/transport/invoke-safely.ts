// Calling plugin code and fire-and-forget tasks so that nothing can escape into uWS or crash the process.
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

/**
 * For the `.catch` of a fire-and-forget request task: a failure while answering a failure (a broken
 * logger, a uWS surprise) is logged if possible and never becomes an unhandled rejection, which on
 * Node 20 would end the process.
 */
export function reportLastResort(log: Logger, what: string, fields: Record<string, unknown>, error: unknown): void {
  try {
    log.error(`${what} failed`, { ...fields, error: (error as Error)?.message });
  } catch {
    // nothing left to tell
  }
}

