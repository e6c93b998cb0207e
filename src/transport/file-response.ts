import type { Logger } from '../plugin-api/core-services';
import type { ResponseFile } from '../plugin-api/http-routes';
import type { HttpExchange } from './http-exchange';
import { SizedBodySender } from './sized-body-sender';

/**
 * Read size. With buffers reused, 1 MiB measured as fast as 2 and 4 MiB for a 1 GiB download over
 * loopback, at half or a quarter of the memory.
 */
const CHUNK = 1024 * 1024;

/**
 * Sends {@link ResponseFile} over one uWS response ({@link SizedBodySender}). Two buffers take
 * turns: while the socket has yet to take one, the next piece of the file is read into the other,
 * so the socket never waits for the disk and the disk never for more than one piece. A buffer is
 * read into again as soon as uWS has taken all of it (uWS copies or sends during the call and
 * keeps no reference). No allocation per chunk: a `ReadStream` allocates a fresh buffer per read,
 * which measured 1.4–1.7× slower for 1 GiB.
 *
 * Ends cleanly in every case: closes the handle when all `length` bytes are sent, when the client
 * goes away, for HEAD, and cuts the connection when the file ends early or a read fails.
 */
export function fileResponse(
  exchange: HttpExchange,
  status: number,
  headers: Readonly<Record<string, string>>,
  file: ResponseFile,
  context: { log: Logger; path: string },
): void {
  const { handle, length } = file;
  const start = file.start ?? 0;
  const free: Buffer[] = [];
  let allocated = 0;
  /** Bytes read from the file so far. */
  let read = 0;
  let reading = false;
  /** Read, waiting for its turn to be sent. */
  let ready: { buffer: Buffer; bytes: number } | null = null;
  /** The buffer whose bytes wait for the socket. */
  let waiting: Buffer | null = null;

  const sender = SizedBodySender.start(exchange, status, headers, length, {
    // FileHandle.close waits for a read in flight; release() is called once.
    release: () => void handle.close().catch(() => undefined),
    drained: () => {
      free.push(waiting!);
      waiting = null;
      pump();
    },
  }, context);
  if (sender === null) return;

  const readNext = (): void => {
    const buffer = free.pop() ?? (allocated++, Buffer.allocUnsafeSlow(Math.min(CHUNK, length)));
    reading = true;
    handle.read(buffer, 0, Math.min(buffer.length, length - read), start + read).then(
      ({ bytesRead }) => {
        reading = false;
        if (sender.done) return;
        if (bytesRead === 0) return sender.finish(true, `the file ended before its ${length} bytes`);
        read += bytesRead;
        ready = { buffer, bytes: bytesRead };
        pump();
      },
      (error: Error) => {
        reading = false;
        sender.finish(true, error.message);
      },
    );
  };
  /** Sends what is read while the socket takes it, and keeps one read going while a buffer is free. */
  const pump = (): void => {
    while (!sender.done && !sender.waiting && ready !== null) {
      const { buffer, bytes } = ready;
      ready = null;
      if (sender.send(buffer.subarray(0, bytes))) free.push(buffer);
      else waiting = buffer;
    }
    if (sender.done || reading || ready !== null || read >= length) return;
    if (free.length > 0 || allocated < 2) readNext();
  };
  pump();
}
