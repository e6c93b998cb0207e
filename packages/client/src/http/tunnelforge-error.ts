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

  /** From a failed HTTP answer (reads its body). */
  static async fromResponse(response: Response): Promise<TunnelForgeError> {
    const body = await response.text().catch(() => '');
    return TunnelForgeError.fromBody(response.status, body, response.statusText, response.headers.get('retry-after'));
  }

  /** From a failed answer's status and body text (also a refused WebSocket upgrade). A body that is not the agent's error shape keeps the status line. */
  static fromBody(status: number, body: string, statusText = '', retryAfter: string | null = null): TunnelForgeError {
    let code = `TF_ERR_HTTP_${status}`;
    let message = statusText || `HTTP ${status}`;
    let details: unknown;
    try {
      const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
      if (typeof parsed.error?.code === 'string') code = parsed.error.code;
      if (typeof parsed.error?.message === 'string') message = parsed.error.message;
      details = parsed.error?.details;
    } catch {
      // not JSON: keep the status line
    }
    const retry = Number(retryAfter);
    return new TunnelForgeError(code, message, status, details, retryAfter !== null && Number.isFinite(retry) && retry > 0 ? retry : null);
  }
}

/** The agent speaks another protocol version than this client (ATTACHED `protocol`). */
export class ProtocolVersionError extends TunnelForgeError {
  override readonly name = 'ProtocolVersionError';

  constructor(readonly serverVersion: number, readonly clientVersion: number) {
    super('TF_ERR_PROTOCOL_VERSION', `the agent speaks protocol v${serverVersion}, this client v${clientVersion}: use a @tunnelforge/client that matches the agent`);
  }
}
