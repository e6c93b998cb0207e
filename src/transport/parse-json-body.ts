import { HttpError } from '../plugin-api/http-routes';

/** An empty body is `undefined`; anything else must be valid UTF-8 JSON or the request is a 400. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new HttpError(400, 'TF_ERR_BAD_JSON', 'Request body is not valid JSON');
  }
}
