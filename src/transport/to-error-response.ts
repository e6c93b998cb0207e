import type { Logger } from '../plugin-api/core-services';
import type { HttpResponse } from '../plugin-api/http-routes';
import { errorResponse } from './error-response';

/**
 * Turns whatever a handler threw into a response. `HttpError`-shaped errors (a 4xx/5xx `status` and
 * a `code`) are answered as they are; anything else is a bug: logged, and answered with a generic
 * 500 that leaks no internals.
 */
export function toErrorResponse(error: unknown, log: Logger, context: Record<string, unknown>): HttpResponse {
  const e = error as { status?: unknown; code?: unknown; message?: unknown; details?: unknown } | null;
  if (typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.status === 'number' && Number.isInteger(e.status) && e.status >= 400 && e.status <= 599) {
    return errorResponse(e.status, e.code, typeof e.message === 'string' ? e.message : e.code, { details: e.details });
  }
  log.error('request handler failed', { ...context, error: (error as Error)?.message, stack: (error as Error)?.stack });
  return errorResponse(500, 'TF_ERR_INTERNAL', 'Internal server error');
}
