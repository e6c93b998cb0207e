import type { HttpExchange } from './http-exchange';

/**
 * Reads a request body into memory, never more than `limit` bytes: the moment the total passes the
 * limit `onTooLarge` runs (to answer 413 and close the connection) and reading stops. Resolves with
 * the body, or `null` when it was too large or the client went away. Must be called synchronously
 * inside the uWS handler: uWS drops data that arrives before `onData` is attached.
 */
export function readBody(exchange: HttpExchange, limit: number, onTooLarge: () => void): Promise<Buffer | null> {
  exchange.bodyPending = true;
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    exchange.onAbort(() => {
      if (done) return;
      done = true;
      chunks = [];
      resolve(null);
    });
    exchange.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        chunks = [];
        onTooLarge();
        resolve(null);
        return;
      }
      // Copy: uWS neuters the ArrayBuffer when this callback returns.
      if (chunk.byteLength > 0) chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) {
        done = true;
        exchange.bodyPending = false;
        resolve(Buffer.concat(chunks, size));
      }
    });
  });
}
