import type { HttpResponse } from '../plugin-api/http-routes';

/** The one error shape of the HTTP API: `{ "error": { "code": "TF_ERR_...", "message": "..." } }`. */
export function errorResponse(status: number, code: string, message: string, extra: { details?: unknown; headers?: Record<string, string> } = {}): HttpResponse {
  const error: { code: string; message: string; details?: unknown } = { code, message };
  if (extra.details !== undefined) error.details = extra.details;
  return { status, json: { error }, headers: extra.headers };
}
