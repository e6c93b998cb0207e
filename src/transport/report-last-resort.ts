import type { Logger } from '../plugin-api/core-services';

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
