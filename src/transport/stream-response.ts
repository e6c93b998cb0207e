import type { Logger } from '../plugin-api/core-services';
import type { ResponseStream } from '../plugin-api/http-routes';
import type { HttpExchange } from './http-exchange';

/**
 * Sends a {@link ResponseStream} over one uWS response with backpressure, the uWS way: each chunk
 * goes out with `tryEnd(chunk, length)`; when uWS cannot take all of it, the readable is paused and
 * the rest of that chunk (from the write offset) is sent again from `onWritable`, which then resumes
 * the readable. So at most one chunk waits in memory, however slow the client.
 *
 * Ends cleanly in every case: the client going away destroys the readable; a readable that errors
 * or ends short of `length` cuts the connection (a Content-Length was promised); reaching `length`
 * destroys the readable (nothing more is read). A HEAD request gets the headers with the
 * Content-Length and no body.
 */
export function streamResponse(
  exchange: HttpExchange,
  status: number,
  headers: Readonly<Record<string, string>>,
  stream: ResponseStream,
  context: { log: Logger; path: string },
): void {
  const { readable, length } = stream;
  if (exchange.headOnly || length === 0) {
    readable.destroy();
    if (exchange.headOnly) exchange.respondHeadOnly(status, headers, length);
    else exchange.respond(status, headers, '');
    return;
  }
  let head: { status: number; headers: Readonly<Record<string, string>> } | undefined = { status, headers };
  /** The chunk uWS could not take whole, and the write offset it started at. */
  let pending: { chunk: Uint8Array; offset: number } | null = null;
  let done = false;
  /** The readable ended; the last chunk may still wait for the socket (`pending`). */
  let ended = false;
  // The request log reads the status right after this returns, before the first chunk is read.
  exchange.status = status;
  const short = `the stream ended before its ${length} bytes`;

  const finish = (cut: boolean, reason?: string): void => {
    if (done) return;
    done = true;
    pending = null;
    readable.destroy();
    if (cut && exchange.open) {
      context.log.warn('streamed response cut short', { path: context.path, reason });
      exchange.closeConnection();
    }
  };
  const send = (chunk: Uint8Array): boolean => {
    const offset = exchange.writeOffset();
    const sent = exchange.sendPart(chunk, length, head);
    head = undefined;
    if (sent.done) {
      finish(false);
      return true;
    }
    if (!sent.ok) pending = { chunk, offset };
    return sent.ok;
  };

  exchange.onAbort(() => finish(false));
  exchange.onWritable((offset) => {
    if (pending === null) return true;
    const { chunk, offset: started } = pending;
    pending = null;
    const ok = send(chunk.subarray(offset - started));
    if (ok && !done) {
      if (ended) finish(true, short);
      else readable.resume();
    }
    return ok;
  });
  readable.on('data', (chunk: Buffer | string) => {
    if (done) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (!send(bytes) && !done) readable.pause();
  });
  readable.on('error', (error: Error) => finish(true, error.message));
  readable.on('end', () => {
    ended = true;
    // 'end' may come while the last chunk still waits for the socket: onWritable finishes then.
    if (pending === null) finish(exchange.open, short);
  });
}
