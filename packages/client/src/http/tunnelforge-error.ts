/**
 * An error answered by the agent (HTTP `{ "error": { "code", "message", "details"? } }`, or a
 * protocol v1 ERROR frame), or one this client raises about the agent (codes listed in
 * docs/clients.md). `status` is the HTTP status, null for WebSocket errors.
 */
export class TunnelForgeError extends Error {
  override readonly name: string = 'TunnelForgeError';

  constructor(
    /** `TF_ERR_*`: stable, what code should branch on. */
    readonly code: string,
    message: string,
    readonly status: number | null = null,
    /** On 400 TF_ERR_BAD_REQUEST: the bad fields, `[{ path, message }]`. */
    readonly details?: unknown,
    /** From a 429's Retry-After header, in seconds. */
    readonly retryAfterSec: number | null = null,
  ) {
    super(message);
  }

  /** From a failed HTTP answer (reads its body). A body that is not the agent's error shape keeps the status line. */
  static async fromResponse(response: Response): Promise<TunnelForgeError> {
    let code = `TF_ERR_HTTP_${response.status}`;
    let message = response.statusText || `HTTP ${response.status}`;
    let details: unknown;
    try {
      const body = (await response.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
      details = body.error?.details;
    } catch {
      // not JSON: keep the status line
    }
    const retry = Number(response.headers.get('retry-after'));
    return new TunnelForgeError(code, message, response.status, details, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
}

/** The agent speaks another protocol version than this client (ATTACHED `protocol`). */
export class ProtocolVersionError extends TunnelForgeError {
  override readonly name = 'ProtocolVersionError';

  constructor(readonly serverVersion: number, readonly clientVersion: number) {
    super('TF_ERR_PROTOCOL_VERSION', `the agent speaks protocol v${serverVersion}, this client v${clientVersion}: use a @tunnelforge/client that matches the agent`);
  }
}
