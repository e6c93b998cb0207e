import * as http from 'node:http';
import * as https from 'node:https';
import webpush from 'web-push';
import type { VapidAuthorization } from './vapid-authorization';

/** How one request to a push service went. */
export type PushOutcome =
  | { kind: 'accepted'; status: number }
  /** 404/410: the subscription is gone for good (the device unsubscribed or the browser dropped it). */
  | { kind: 'gone'; status: number }
  /** 429, 5xx, a timeout or a network error: worth another try; `retryAfterMs` from the push service when it said. */
  | { kind: 'retry'; status: number | null; error: string; retryAfterMs?: number }
  /** Any other answer (a 400, 403 for a bad VAPID JWT, 413): another try would get the same. */
  | { kind: 'refused'; status: number; error: string };

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface SendPushOptions {
  /** The VAPID `Authorization` header per push service (signed once, reused). */
  vapid: VapidAuthorization;
  ttlSeconds: number;
  timeoutMs: number;
  urgency?: 'very-low' | 'low' | 'normal' | 'high';
  /** Aborts the request (agent shutdown). */
  signal?: AbortSignal;
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const secondsValue = Number(value);
  if (Number.isFinite(secondsValue) && secondsValue >= 0) return secondsValue * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Encrypts `payload` for one subscription (RFC 8291, aes128gcm) with the web-push library, adds the
 * VAPID header (RFC 8292, from {@link VapidAuthorization}), then POSTs it with node's own client: web-push's sender only speaks https and
 * has no abort, while this one bounds the whole request by `timeoutMs` (connect, upload and answer)
 * and classifies the answer for the delivery queue. Never throws.
 */
export function sendPush(target: PushTarget, payload: string, options: SendPushOptions): Promise<PushOutcome> {
  let details: ReturnType<typeof webpush.generateRequestDetails>;
  try {
    details = webpush.generateRequestDetails(target, payload, {
      // The VAPID header comes signed from the cache instead of a new JWT per push.
      vapidDetails: null as never,
      headers: { Authorization: options.vapid.forEndpoint(target.endpoint) },
      TTL: options.ttlSeconds,
      urgency: options.urgency ?? 'normal',
      contentEncoding: 'aes128gcm',
    });
  } catch (error) {
    return Promise.resolve({ kind: 'refused', status: 0, error: `could not encrypt: ${(error as Error).message}` });
  }
  const url = new URL(details.endpoint);
  const client = url.protocol === 'http:' ? http : https;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PushOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const request = client.request(url, { method: 'POST', headers, agent: false }, (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        // An error text is enough for the log; a push service that sends megabytes is cut off.
        if (size < 4096) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) => finish({ kind: 'retry', status, error: error.message }));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, 200).replace(/\s+/g, ' ').trim();
        if (status >= 200 && status < 300) finish({ kind: 'accepted', status });
        else if (status === 404 || status === 410) finish({ kind: 'gone', status });
        else if (status === 429 || status >= 500) finish({ kind: 'retry', status, error: `push service answered ${status}${text ? `: ${text}` : ''}`, retryAfterMs: retryAfterMs(response.headers['retry-after']) });
        else finish({ kind: 'refused', status, error: `push service answered ${status}${text ? `: ${text}` : ''}` });
      });
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const onAbort = () => request.destroy(new Error('the agent is stopping'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => finish({ kind: 'retry', status: null, error: error.message }));
    request.end(details.body);
  });
}
