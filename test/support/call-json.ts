/**
 * An HTTP call with a bearer token and an optional body (a string is sent as it is, anything else as
 * JSON); the answer parsed as JSON when it is JSON.
 */
export async function callJson(url: string, token: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text answers stay strings
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
