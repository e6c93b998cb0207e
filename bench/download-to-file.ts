import { closeSync, openSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { parseResponseHead, requestHead } from './raw-http';

/** The socket reads into this one buffer: each read takes whatever the kernel holds, up to 4 MiB. */
const READ_BUFFER = 4 * 1024 * 1024;
/** A response head larger than this is not what the agent sends. */
const MAX_HEAD = 64 * 1024;

/**
 * The bench's download client: GET `url` and write the body to `to` with as few system calls as
 * Node allows. The socket reads into one 4 MiB buffer (`onread`) and each read is written to the
 * file at once (`writeSync`), so a write is as large as what the socket had. Measured on the 2-vCPU
 * VM for 1 GiB, the usual clients were slower than what the agent sends (1.3–2.1 GB/s to curl →
 * /dev/null): curl writes 8 KiB at a time (136,314 `write`s under `strace -c`, 0.66–0.82 GB/s),
 * and Node's http client hands over 64 KiB pieces that `createWriteStream` writes from the thread
 * pool (0.63–0.75 GB/s); this one 1.3–1.7 GB/s.
 *
 * Test equipment, not a general client: HTTP/1.1, status 200 with a `Content-Length` only
 * (anything else rejects); the bench checks what landed by sha256. Resolves with the byte count.
 */
export function downloadToFile(url: string, headers: Record<string, string>, to: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const fd = openSync(to, 'w');
    let head: Buffer | null = Buffer.alloc(0);
    let length = -1;
    let received = 0;
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      closeSync(fd);
      if (error) reject(error);
      else resolve(received);
    };
    /** The body bytes in `chunk` after the head, once the head is whole; throws on an answer this client does not take. */
    const afterHead = (chunk: Buffer): Buffer | null => {
      head = Buffer.concat([head!, chunk]);
      const parsed = parseResponseHead(head);
      if (parsed === null) {
        if (head.length > MAX_HEAD) throw new Error('response head too large');
        return null;
      }
      if (parsed.status !== 200) throw new Error(`download answered ${parsed.statusLine}`);
      if (parsed.contentLength === null) throw new Error('download answer has no Content-Length');
      length = parsed.contentLength;
      const body = head.subarray(parsed.bodyStart);
      head = null;
      return body;
    };
    const socket = connect({
      host: target.hostname,
      port: Number(target.port),
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER),
        callback(bytes: number, buffer: Uint8Array): boolean {
          try {
            let body: Buffer | null = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
            if (head !== null) body = afterHead(Buffer.from(body)); // copied: the read buffer is reused
            if (body === null || body.length === 0) return true;
            if (received + body.length > length) throw new Error(`more than the ${length} bytes announced`);
            for (let written = 0; written < body.length; ) written += writeSync(fd, body, written);
            received += body.length;
            if (received === length) settle(null);
          } catch (error) {
            settle(error as Error);
          }
          return true;
        },
      },
    });
    socket.on('connect', () => socket.write(requestHead('GET', target, { Connection: 'close', ...headers })));
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle(received === length ? null : new Error(`the connection closed after ${received} of ${length} bytes`)));
  });
}
