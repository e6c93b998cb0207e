import type { Logger } from '../plugin-api/core-services';
import type { HttpResponse } from '../plugin-api/http-routes';
import { errorResponse } from './error-response';
import type { HttpExchange } from './http-exchange';
import { securityHeaders } from './security-headers';
import { serializeResponse } from './serialize-response';
import type { SerializedResponse } from './serialized-response';

/**
 * Writes a handler's (or the transport's own) response with the standard headers: security headers
 * first, then `extraHeaders` (CORS), then the content type, then the handler's own headers, which
 * win. A malformed handler result becomes a 500. Does nothing when the exchange is no longer open.
 */
export function sendResponse(exchange: HttpExchange, response: HttpResponse, options: { extraHeaders?: Record<string, string>; close?: boolean; log: Logger; path: string }): void {
  if (!exchange.open) return;
  let wire: SerializedResponse;
  try {
    wire = serializeResponse(response);
  } catch (error) {
    options.log.error('invalid handler response', { path: options.path, error: (error as Error).message });
    wire = serializeResponse(errorResponse(500, 'TF_ERR_INTERNAL', 'Internal server error'));
  }
  if (wire.droppedHeaders.length > 0) options.log.warn('unsafe response headers dropped', { path: options.path, headers: wire.droppedHeaders });
  const headers: Record<string, string> = { ...securityHeaders(wire.contentType ?? ''), ...options.extraHeaders };
  if (wire.contentType !== null) headers['content-type'] = wire.contentType;
  Object.assign(headers, wire.headers);
  exchange.respond(wire.status, headers, wire.body, options.close);
}
