import * as http from 'node:http';

/**
 * GET a small JSON document from the tool's local endpoint (metrics server or agent API). No
 * keep-alive agent, so no socket outlives the call; a bounded body and a hard timeout, because the
 * answer comes from a child process we do not control.
 */
export function getLocalJson(url: string, timeoutMs = 1000): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs, headers: { accept: 'application/json' } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.length > 1_000_000) request.destroy(new Error('response too large'));
      });
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : null });
        } catch {
          reject(new Error(`${url} answered with invalid JSON`));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
