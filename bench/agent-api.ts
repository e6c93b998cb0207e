import type { AgentEndpoint } from './common';

/** One JSON call to the agent's HTTP API with the endpoint's bearer token; `json` is the raw text when the answer is not JSON. */
export async function agentApi(endpoint: AgentEndpoint, method: string, route: string, body?: unknown, timeoutMs = 30_000): Promise<{ status: number; json: any }> {
  const response = await fetch(endpoint.httpUrl + route, {
    method,
    headers: { authorization: `Bearer ${endpoint.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* text/plain */
  }
  return { status: response.status, json };
}
