import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { parseResponseHead, requestHead } from './raw-http';

/** The file is read into two buffers of this size, in turns. */
const READ_BUFFER = 4 * 1024 * 1024;

/**
 * The bench's upload client: POST `prefix`, the bytes of `file` and `suffix` (a multipart body
 * around one file) to `url` as one chunked body, and resolve with the answer. Chunked because uWS
 * 20.30 refuses a Content-Length of 10^9 bytes or more. The file is read with positional reads into
 * two 4 MiB buffers that take turns (one read while the other is still being written to the
 * socket), each chunk going out in one corked write. Node's `http.request` with a piped
 * `createReadStream` cost its process 1.8–2.6 s of CPU per GiB on the 2-vCPU VM (and 450–620 MB/s),
 * taking a core from the agent it measured; curl needs ~4 ms of its own.
 *
 * Test equipment, not a general client: HTTP/1.1, a `Content-Length` answer; the bench checks the
 * uploaded file by sha256.
 */
export function uploadFromFile(url: string, headers: Record<string, string>, prefix: Buffer, file: string, suffix: Buffer): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    let answer = Buffer.alloc(0);
    let settled = false;
    const settle = (error: Error | null, result?: { status: number; body: string }): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      closeSync(fd);
      if (error) reject(error);
      else resolve(result!);
    };
    const socket: Socket = connect({ host: target.hostname, port: Number(target.port) });
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle(new Error(`the connection closed before a whole answer (${answer.length} bytes of it)`)));
    // The answer may come early (413, 401): it is taken whenever it is whole.
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const head = parseResponseHead(answer);
      if (head === null || answer.length - head.bodyStart < (head.contentLength ?? 0)) return;
      settle(null, { status: head.status, body: answer.subarray(head.bodyStart, head.bodyStart + (head.contentLength ?? 0)).toString() });
    });
    /** Writes one chunk of the chunked body; resolves once the socket has taken it (its buffer may be reused). */
    const writeChunk = (data: Uint8Array): Promise<void> =>
      new Promise((done, fail) => {
        socket.cork();
        socket.write(`${data.length.toString(16)}\r\n`);
        socket.write(data);
        socket.write('\r\n', (error) => (error ? fail(error) : done()));
        socket.uncork();
      });
    const send = async (): Promise<void> => {
      socket.write(requestHead('POST', target, { 'Transfer-Encoding': 'chunked', ...headers }));
      await writeChunk(prefix);
      const buffers = [Buffer.allocUnsafe(READ_BUFFER), Buffer.allocUnsafe(READ_BUFFER)];
      const inFlight: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
      for (let position = 0, turn = 0; position < size && !settled; turn ^= 1) {
        await inFlight[turn]; // this buffer's previous chunk is out of our hands
        const bytes = readSync(fd, buffers[turn], 0, Math.min(READ_BUFFER, size - position), position);
        if (bytes === 0) throw new Error(`${file} ended at ${position} of ${size} bytes`);
        position += bytes;
        inFlight[turn] = writeChunk(buffers[turn].subarray(0, bytes));
        if (socket.writableNeedDrain) await new Promise((drained) => socket.once('drain', drained));
      }
      await Promise.all(inFlight);
      if (settled) return;
      await writeChunk(suffix);
      socket.write('0\r\n\r\n');
    };
    socket.on('connect', () => send().catch((error: Error) => settle(error)));
  });
}
