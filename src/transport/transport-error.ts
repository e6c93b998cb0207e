/**
 * A failure of the transport itself (not of one request): the native uWS binary missing, the port
 * taken, a route registered twice. `code` is stable (`TF_ERR_*`) so callers and logs can match it.
 */
export class TransportError extends Error {
  constructor(public readonly code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'TransportError';
  }
}
