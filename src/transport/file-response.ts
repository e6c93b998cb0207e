import type { Logger } from '../plugin-api/core-services';
import type { ResponseFile } from '../plugin-api/http-routes';
import type { HttpExchange } from './http-exchange';

/**
 * Read size. With buffers reused, 1 MiB measured as fast as 2 and 4 MiB for a 1 GiB download over
 * loopback, at half or a quarter of the memory.
 */
const CHUNK = 1024 * 1024;

/** One buffer's worth of the file, read and not yet handed to uWS whole. */
interface Piece {
  buffer: Buffer;
  bytes: Uint8Array;
}

/**
 * Sends {@link ResponseFile} over one uWS response. Two buffers take turns: while uWS waits for
 * the socket to take one (`tryEnd` returned not ok; the rest goes from `onWritable`), the next
 * piece of the file is read into the other, so the socket never waits for the disk and the disk
 * never for more than one piece. A buffer is read into again as soon as uWS has taken all of it
 * (uWS copies or sends during the call and keeps no reference). No allocation per chunk: a
 * `ReadStream` allocates a fresh buffer per read, which measured 1.4–1.7× slower for 1 GiB.
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
  // FileHandle.close waits for a read in flight; a second close is refused, hence once.
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    handle.close().catch(() => undefined);
  };
  if (exchange.headOnly || length === 0) {
    close();
    if (exchange.headOnly) exchange.respondHeadOnly(status, headers, length);
    else exchange.respond(status, headers, '');
    return;
  }
  exchange.status = status; // the request log reads it right after this returns
  let head: { status: number; headers: Readonly<Record<string, string>> } | undefined = { status, headers };
  const free: Buffer[] = [];
  let allocated = 0;
  /** Bytes read from the file so far. */
  let read = 0;
  let reading = false;
  /** Read, waiting for its turn to be sent. */
  let ready: Piece | null = null;
  /** Handed to uWS in part; the rest goes from `onWritable`, starting at write offset `offset`. */
  let pending: (Piece & { offset: number }) | null = null;
  let done = false;

  const finish = (cut: boolean, reason?: string): void => {
    if (done) return;
    done = true;
    ready = pending = null;
    close();
    if (cut && exchange.open) {
      context.log.warn('streamed response cut short', { path: context.path, reason });
      exchange.closeConnection();
    }
  };
  /** Hands `piece` to uWS; false when the socket could not take all of it (it is `pending` then). */
  const send = (piece: Piece): boolean => {
    const offset = exchange.writeOffset();
    const sent = exchange.sendPart(piece.bytes, length, head);
    head = undefined;
    if (sent.done) {
      finish(false);
      return true;
    }
    if (!sent.ok) {
      pending = { ...piece, offset };
      return false;
    }
    free.push(piece.buffer);
    return true;
  };
  const readNext = (): void => {
    const buffer = free.pop() ?? (allocated++, Buffer.allocUnsafeSlow(Math.min(CHUNK, length)));
    const want = Math.min(buffer.length, length - read);
    reading = true;
    handle.read(buffer, 0, want, start + read).then(
      ({ bytesRead }) => {
        reading = false;
        if (done) return;
        if (bytesRead === 0) return finish(true, `the file ended before its ${length} bytes`);
        read += bytesRead;
        ready = { buffer, bytes: buffer.subarray(0, bytesRead) };
        pump();
      },
      (error: Error) => {
        reading = false;
        finish(true, error.message);
      },
    );
  };
  /** Sends what is read while the socket takes it, and keeps one read going while a buffer is free. */
  const pump = (): void => {
    while (!done && pending === null && ready !== null) {
      const piece: Piece = ready;
      ready = null;
      if (!send(piece)) break;
    }
    if (done || reading || ready !== null || read >= length) return;
    if (free.length > 0 || allocated < 2) readNext();
  };

  exchange.onAbort(() => finish(false));
  exchange.onWritable((offset) => {
    if (pending === null) return true;
    const { buffer, bytes, offset: started } = pending;
    pending = null;
    const ok = send({ buffer, bytes: bytes.subarray(offset - started) });
    if (ok) pump();
    return ok;
  });
  pump();
}
