import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { auth, startServer, waitFor, type Started } from './transport-test-kit';

// `{ file: { handle, start, length } }` on the real uWS server with real files: the body is read
// with positional reads into two reused buffers, only as fast as the client takes it, and the
// handle is closed however the response ends.

const MiB = 1024 * 1024;
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A real open file whose reads are recorded (bytes asked, the buffers read into) and whose close is seen. */
interface Watched {
  handle: FileHandle;
  requested: () => number;
  buffers: Set<ArrayBufferLike>;
  closed: () => boolean;
}

async function watchedFile(file: string): Promise<Watched> {
  const real = await open(file, 'r');
  let requested = 0;
  let closed = false;
  const buffers = new Set<ArrayBufferLike>();
  const handle = {
    read(buffer: Buffer, offset: number, length: number, position: number) {
      requested += length;
      buffers.add(buffer.buffer);
      return real.read(buffer, offset, length, position);
    },
    close() {
      closed = true;
      return real.close();
    },
  } as unknown as FileHandle;
  return { handle, requested: () => requested, buffers, closed: () => closed };
}

function get(url: string, options: http.RequestOptions = {}): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent: false, headers: auth('viewer-token'), ...options }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The whole body, and whether it arrived complete (not cut). */
function body(res: http.IncomingMessage): Promise<{ data: Buffer; complete: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve({ data: Buffer.concat(chunks), complete: res.complete }));
    res.on('error', () => resolve({ data: Buffer.concat(chunks), complete: false }));
    res.on('aborted', () => resolve({ data: Buffer.concat(chunks), complete: false }));
  });
}

describe('file responses', () => {
  let s: Started;
  let dir: string;
  let big: Buffer;
  const opened: Watched[] = [];

  beforeAll(async () => {
    s = await startServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tf-file-response-'));
    big = randomBytes(24 * MiB + 321);
    writeFileSync(path.join(dir, 'big.bin'), big);
    s.server.add({
      method: 'GET',
      path: '/file/:name',
      access: 'viewer',
      async handler(request) {
        const watched = await watchedFile(path.join(dir, request.params.name));
        opened.push(watched);
        const start = Number(request.query['start'] ?? 0);
        const length = Number(request.query['length'] ?? big.length - start);
        return { status: Number(request.query['status'] ?? 200), file: { handle: watched.handle, start, length } };
      },
    });
  });
  afterAll(() => {
    s.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (opened.length = 0));

  test('a file arrives whole with its Content-Length, read into two reused buffers; the handle is closed', async () => {
    const res = await get(`${s.url}/file/big.bin`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(big.length));
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const { data, complete } = await body(res);
    expect(complete).toBe(true);
    expect(sha(data)).toBe(sha(big));
    // 25 reads of up to 1 MiB: a reader allocating per chunk would have used 25 buffers.
    expect(opened[0].buffers.size).toBeLessThanOrEqual(2);
    await waitFor(() => opened[0].closed(), 3000, 'the handle to be closed');
  });

  test('start and length send exactly that slice (a Range answer), nothing past it is read', async () => {
    const start = 3 * MiB + 7;
    const length = 5 * MiB + 11;
    const res = await get(`${s.url}/file/big.bin?start=${start}&length=${length}&status=206`);
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-length']).toBe(String(length));
    const { data } = await body(res);
    expect(data.equals(big.subarray(start, start + length))).toBe(true);
    expect(opened[0].requested()).toBe(length);
  });

  test('backpressure: a client that stops reading stops the reads; it resumes and completes', async () => {
    const res = await get(`${s.url}/file/big.bin`);
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 800));
    // Socket buffers and two 1 MiB buffers, not the 24 MiB file.
    expect(opened[0].requested()).toBeLessThan(16 * MiB);
    const { data, complete } = await new Promise<{ data: Buffer; complete: boolean }>((resolve) => {
      const received = body(res);
      res.resume();
      void received.then(resolve);
    });
    expect(complete).toBe(true);
    expect(sha(data)).toBe(sha(big));
  });

  test('a client that goes away mid-download closes the handle; the server serves on', async () => {
    await new Promise<void>((resolve) => {
      const req = http.get(`${s.url}/file/big.bin`, { headers: auth('viewer-token'), agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200);
      });
      req.on('error', () => undefined);
    });
    await waitFor(() => opened[0]?.closed() === true, 5000, 'the handle to be closed');
    expect(opened[0].requested()).toBeLessThan(big.length);
    const after = await get(`${s.url}/file/big.bin?length=10`);
    expect((await body(after)).data.equals(big.subarray(0, 10))).toBe(true);
  });

  test('HEAD and a 204 read nothing and close the handle; an empty file is an empty body', async () => {
    const head = await get(`${s.url}/file/big.bin`, { method: 'HEAD' });
    expect(head.headers['content-length']).toBe(String(big.length));
    expect((await body(head)).data.length).toBe(0);
    const noContent = await get(`${s.url}/file/big.bin?status=204`);
    expect(noContent.statusCode).toBe(204);
    writeFileSync(path.join(dir, 'empty.bin'), '');
    const empty = await get(`${s.url}/file/empty.bin?length=0`);
    expect(empty.headers['content-length']).toBe('0');
    expect((await body(empty)).data.length).toBe(0);
    await waitFor(() => opened.length === 3 && opened.every((w) => w.closed()), 3000, 'every handle to be closed');
    expect(opened.map((w) => w.requested())).toEqual([0, 0, 0]);
  });

  test('a file truncated while it is sent cuts the connection (no silent short file)', async () => {
    const file = path.join(dir, 'shrinking.bin');
    writeFileSync(file, big);
    const res = await get(`${s.url}/file/shrinking.bin`);
    res.pause();
    await waitFor(() => opened[0].requested() > 0, 3000, 'the first read');
    truncateSync(file, 2 * MiB);
    res.resume();
    const { data, complete } = await body(res);
    expect(complete).toBe(false);
    expect(data.length).toBeLessThan(big.length);
    expect(s.log.lines.some((line) => line.msg === 'streamed response cut short' && /ended before/.test(String(line.fields.reason)))).toBe(true);
    await waitFor(() => opened[0].closed(), 3000, 'the handle to be closed');
  });

  test('a malformed file answer is a 500 and its handle is still closed', async () => {
    const file = await watchedFile(path.join(dir, 'big.bin'));
    s.server.add({ method: 'GET', path: '/bad-file', access: 'viewer', handler: () => ({ file: { handle: file.handle, length: -1 } }) });
    s.server.add({ method: 'GET', path: '/not-a-handle', access: 'viewer', handler: () => ({ file: { handle: 'nope' as never, length: 3 } }) });
    const bad = await fetch(`${s.url}/bad-file`, { headers: auth('viewer-token') });
    expect(bad.status).toBe(500);
    expect(file.closed()).toBe(true);
    expect((await fetch(`${s.url}/not-a-handle`, { headers: auth('viewer-token') })).status).toBe(500);
  });
});
