/** An error answer of the agent's API: `{ "error": { "code", "message" } }` and its status. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterSec: number | null = null) {
    super(message);
    this.name = 'ApiError';
  }

  /** From a failed fetch Response. */
  static async from(response: Response): Promise<ApiError> {
    let code = `HTTP_${response.status}`;
    let message = response.statusText || `HTTP ${response.status}`;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      code = body.error?.code ?? code;
      message = body.error?.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    const retry = Number(response.headers.get('retry-after'));
    return new ApiError(response.status, code, message, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
}
