import type { HttpResponse } from '../plugin-api/http-routes';
import { sanitizeHeaders } from './sanitize-headers';
import type { SerializedResponse } from './serialized-response';

/**
 * `json` → `application/json; charset=utf-8`, `text` → `text/plain; charset=utf-8`, `body` → bytes
 * with the handler's `content-type` (default `application/octet-stream`). Throws on a malformed
 * result (a handler bug, answered as 500 by the caller).
 */
export function serializeResponse(result: HttpResponse): SerializedResponse {
  if (typeof result !== 'object' || result === null) throw new TypeError('handler returned no response object');
  const status = result.status ?? 200;
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new TypeError(`handler returned invalid status ${String(status)}`);
  const kinds = [result.json !== undefined, result.text !== undefined, result.body !== undefined].filter(Boolean).length;
  if (kinds > 1) throw new TypeError('handler response may set only one of json, text and body');
  const { headers, dropped } = sanitizeHeaders(result.headers);
  const noBody = status === 204 || status === 304;
  if (result.json !== undefined) {
    const body = JSON.stringify(result.json);
    if (body === undefined) throw new TypeError('handler json is not serialisable');
    return { status, contentType: 'application/json; charset=utf-8', headers, droppedHeaders: dropped, body: noBody ? '' : body };
  }
  if (result.text !== undefined) {
    if (typeof result.text !== 'string') throw new TypeError('handler text must be a string');
    return { status, contentType: 'text/plain; charset=utf-8', headers, droppedHeaders: dropped, body: noBody ? '' : result.text };
  }
  if (result.body !== undefined) {
    if (!(result.body instanceof Uint8Array)) throw new TypeError('handler body must be a Uint8Array');
    return { status, contentType: headers['content-type'] ?? 'application/octet-stream', headers, droppedHeaders: dropped, body: noBody ? '' : result.body };
  }
  return { status, contentType: null, headers, droppedHeaders: dropped, body: '' };
}
