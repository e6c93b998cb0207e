import type { Logger } from '../plugin-api/core-services';
import type { ResponseStream } from '../plugin-api/http-routes';
import type { HttpExchange } from './http-exchange';
import { SizedBodySender } from './sized-body-sender';

/**
 * Sends a {@link ResponseStream} over one uWS response with backpressure ({@link SizedBodySender}):
 * when uWS cannot take a chunk whole, the readable is paused until the socket drains. So at most
 * one chunk waits in memory, however slow the client.
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
  /** The readable ended; its last chunk may still wait for the socket. */
  let ended = false;
  const short = `the stream ended before its ${length} bytes`;
  const sender = SizedBodySender.start(exchange, status, headers, length, {
    release: () => readable.destroy(),
    // 'end' may have come while the last chunk waited: all of it is out now, and it was short.
    drained: () => (ended ? sender?.finish(true, short) : readable.resume()),
  }, context);
  if (sender === null) return;

  readable.on('data', (chunk: Buffer | string) => {
    if (sender.done) return;
    if (!sender.send(typeof chunk === 'string' ? Buffer.from(chunk) : chunk) && !sender.done) readable.pause();
  });
  readable.on('error', (error: Error) => sender.finish(true, error.message));
  readable.on('end', () => {
    ended = true;
    if (!sender.waiting) sender.finish(true, short);
  });
}
