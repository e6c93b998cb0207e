import * as http from 'node:http';

/** What a {@link TestHttpClient} call came back with. */
export interface TestResponse<T = any> {
  status: number;
  /** Response headers, names in lower case. */
  headers: http.IncomingHttpHeaders;
  /** The parsed body when the response is JSON (`content-type: application/json`), else `undefined`. */
  json: T;
  /** The raw body as UTF-8 text (also for JSON answers). */
  text: string;
}

/** Per-call options of a {@link TestHttpClient}. */
export interface TestRequestOptions {
  /** Extra request headers (they win over the client's own `authorization`). */
  headers?: Record<string, string>;
  /** Body: objects are sent as JSON, strings and bytes as they are. */
  body?: unknown;
  /** Query parameters appended to the path. */
  query?: Record<string, string | number | boolean>;
  /** Give up after this long (default 10 s) and reject: an event stream never ends by itself. */
  timeoutMs?: number;
}

/**
 * Real HTTP requests against a test agent, all carrying the same credential (or none). Every call
 * resolves with the answer whatever its status (a 401 or 403 is a result to assert, not an error);
 * it rejects only when no complete answer arrives (connection refused, timeout).
 */
export interface TestHttpClient {
  get<T = any>(path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
  delete<T = any>(path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
  post<T = any>(path: string, body?: unknown, options?: TestRequestOptions): Promise<TestResponse<T>>;
  put<T = any>(path: string, body?: unknown, options?: TestRequestOptions): Promise<TestResponse<T>>;
  patch<T = any>(path: string, body?: unknown, options?: TestRequestOptions): Promise<TestResponse<T>>;
  /** Any method; `path` is relative to the agent's URL (`/api/sessions`). */
  request<T = any>(method: string, path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
}

/**
 * A {@link TestHttpClient} for `baseUrl`; `bearer` resolves to the token to send as
 * `Authorization: Bearer …`, or `null` to send none.
 */
export function createTestHttpClient(baseUrl: string, bearer: () => Promise<string | null>): TestHttpClient {
  const request = async <T>(method: string, route: string, options: TestRequestOptions = {}): Promise<TestResponse<T>> => {
    if (!route.startsWith('/')) throw new TypeError(`request path must start with "/": got "${route}"`);
    const token = await bearer();
    const url = new URL(baseUrl + route);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.append(key, String(value));
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      const raw = options.body;
      const isBytes = raw instanceof Uint8Array;
      payload = isBytes ? Buffer.from(raw) : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw), 'utf8');
      if (!isBytes && typeof raw !== 'string') headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    if (payload !== undefined) headers['content-length'] = String(payload.length);
    return send<T>(url, method.toUpperCase(), headers, payload, options.timeoutMs ?? 10_000);
  };
  return {
    request,
    get: (route, options) => request('GET', route, options),
    delete: (route, options) => request('DELETE', route, options),
    post: (route, body, options) => request('POST', route, { ...options, body }),
    put: (route, body, options) => request('PUT', route, { ...options, body }),
    patch: (route, body, options) => request('PATCH', route, { ...options, body }),
  };
}

function send<T>(url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number): Promise<TestResponse<T>> {
  return new Promise((resolve, reject) => {
    // agent: false closes the connection after each answer, so no keep-alive socket outlives a test.
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        if (/^application\/(?:[\w.+-]+\+)?json\b/i.test(res.headers['content-type'] ?? '') && text !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            // a server bug worth seeing in the test: leave json undefined, text holds the body
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
      });
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url.pathname}: no complete answer within ${timeoutMs} ms`)));
    req.end(payload);
  });
}
