import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Authenticator } from '../../src/plugin-api/authenticator';
import { auth, startServer, waitFor, type Started } from './transport-test-kit';

// The plugin API's streaming extension on the real uWS server: `streamBody` routes get the raw body
// as a flow-controlled Readable capped by the route; handlers answer `{ stream: { readable, length } }`
// and the transport sends it with backpressure, ending cleanly however the client behaves.

const MiB = 1024 * 1024;
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** What the upload handler saw of one request. */
interface Seen {
  bytes: number;
  hash: string;
  error: { code?: string; message: string } | null;
}

/** A readable of `size` pseudo-random bytes in 64 KiB pieces that counts how much was pulled from it. */
function countingSource(size: number): { readable: Readable; pulled: () => number; destroyed: () => boolean; hash: string } {
  const data = randomBytes(size);
  let offset = 0;
  let destroyed = false;
  const readable = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (offset >= size) return void this.push(null);
      const end = Math.min(size, offset + 64 * 1024);
      this.push(data.subarray(offset, end));
      offset = end;
    },
    destroy(error, callback) {
      destroyed = true;
      callback(error);
    },
  });
  return { readable, pulled: () => offset, destroyed: () => destroyed, hash: sha(data) };
}

/** A raw HTTP request whose body we write ourselves (to stall, lie or vanish). */
function rawRequest(port: number, head: string): Promise<{ socket: import('node:net').Socket; response: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(head);
      resolve({ socket, response: () => received, closed });
    });
    socket.once('error', reject);
  });
}

const oneChunk = randomBytes(24 * MiB);

describe('streamed request bodies and responses', () => {
  let s: Started;
  const seen: Seen[] = [];
  let gate: Promise<void> = Promise.resolve();
  let sources: ReturnType<typeof countingSource>[] = [];

  beforeAll(async () => {
    s = await startServer();
    const consume = async (body: Readable): Promise<Seen> => {
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        await gate;
        for await (const chunk of body) {
          bytes += (chunk as Buffer).length;
          hash.update(chunk as Buffer);
        }
        return { bytes, hash: hash.digest('hex'), error: null };
      } catch (error) {
        return { bytes, hash: '', error: { code: (error as { code?: string }).code, message: (error as Error).message } };
      }
    };
    s.server.add({
      method: 'POST',
      path: '/upload',
      access: 'writer',
      maxBodyBytes: 64 * MiB,
      streamBody: { accept: ['application/octet-stream'] },
      async handler(request) {
        const result = await consume(request.bodyStream);
        seen.push(result);
        if (result.error) throw Object.assign(new Error(result.error.message), { status: 400, code: 'TEST_ERR_STREAM' });
        return { json: { bytes: result.bytes, hash: result.hash } };
      },
    });
    s.server.add({
      method: 'POST',
      path: '/small',
      access: 'writer',
      maxBodyBytes: 1000,
      streamBody: { accept: ['application/octet-stream'] },
      async handler(request) {
        const result = await consume(request.bodyStream);
        seen.push(result);
        return { json: result };
      },
    });
    s.server.add({
      method: 'GET',
      path: '/download/:size',
      access: 'viewer',
      handler(request) {
        const size = Number(request.params.size);
        const source = countingSource(size);
        sources.push(source);
        return { stream: { readable: source.readable, length: size }, headers: { 'content-type': 'application/octet-stream', 'x-hash': source.hash } };
      },
    });
    s.server.add({
      method: 'GET',
      path: '/one-chunk',
      access: 'viewer',
      // One big chunk, then the end at once: the end arrives while most of the chunk waits for the socket.
      handler: () => ({ stream: { readable: Readable.from([oneChunk]), length: oneChunk.length } }),
    });
    s.server.add({
      method: 'GET',
      path: '/broken/:mode',
      access: 'viewer',
      handler(request) {
        let sent = 0;
        const readable = new Readable({
          read() {
            if (sent >= MiB) {
              if (request.params.mode === 'error') this.destroy(new Error('disk read failed'));
              else this.push(null); // ends short of the promised length
              return;
            }
            sent += 64 * 1024;
            this.push(Buffer.alloc(64 * 1024, 1));
          },
        });
        return { stream: { readable, length: 4 * MiB } };
      },
    });
  });
  afterAll(() => s.server.close());
  beforeEach(() => {
    seen.length = 0;
    gate = Promise.resolve();
    sources = [];
  });

  test('an 8 MiB body reaches the handler whole, with Content-Length and chunked', async () => {
    const data = randomBytes(8 * MiB);
    const sized = await fetch(`${s.url}/upload`, { method: 'POST', body: data, headers: { ...auth('writer-token'), 'content-type': 'application/octet-stream' } });
    expect(sized.status).toBe(200);
    expect(await sized.json()).toEqual({ bytes: data.length, hash: sha(data) });
    const chunked = await fetch(`${s.url}/upload`, {
      method: 'POST',
      body: Readable.toWeb(Readable.from([data.subarray(0, 3 * MiB), data.subarray(3 * MiB)])) as ReadableStream,
      headers: { ...auth('writer-token'), 'content-type': 'application/octet-stream' },
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(200);
    expect(await chunked.json()).toEqual({ bytes: data.length, hash: sha(data) });
  });

  test('flow control: while the handler does not read, the client cannot push the body in; then it all arrives', async () => {
    let open!: () => void;
    gate = new Promise<void>((resolve) => (open = resolve));
    const size = 48 * MiB;
    const data = randomBytes(size);
    const client = await rawRequest(s.port, `POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/octet-stream\r\nContent-Length: ${size}\r\n\r\n`);
    client.socket.write(data);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // What left the client's user-space buffer sits in kernel socket buffers and the stream's 1 MiB: far from 48 MiB.
    const accepted = client.socket.bytesWritten - client.socket.writableLength;
    expect(accepted).toBeLessThan(24 * MiB);
    open();
    await waitFor(() => /\r\n\r\n\{/.test(client.response()), 10_000, 'the answer');
    expect(client.response()).toMatch(/^HTTP\/1\.1 200/);
    expect(client.response()).toContain(`"hash":"${sha(data)}"`);
    client.socket.destroy();
  });

  test('a Content-Length over the cap is 413 before the handler runs; a chunked body over it is 413 at once and the handler sees TF_ERR_PAYLOAD_TOO_LARGE', async () => {
    const sized = await fetch(`${s.url}/small`, { method: 'POST', body: Buffer.alloc(1001), headers: { ...auth('writer-token'), 'content-type': 'application/octet-stream' } });
    expect(sized.status).toBe(413);
    expect(await sized.json()).toEqual({ error: { code: 'TF_ERR_PAYLOAD_TOO_LARGE', message: 'Request body exceeds the 1000 bytes this route accepts' } });
    expect(seen).toEqual([]);

    const client = await rawRequest(s.port, 'POST /small HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
    client.socket.write('258\r\n' + 'a'.repeat(600) + '\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.socket.write('258\r\n' + 'a'.repeat(600) + '\r\n');
    await client.closed; // the server answers and closes rather than read a body nobody wants
    expect(client.response()).toMatch(/^HTTP\/1\.1 413/);
    expect(client.response()).toContain('TF_ERR_PAYLOAD_TOO_LARGE');
    await waitFor(() => seen.length === 1);
    expect(seen[0].error?.code).toBe('TF_ERR_PAYLOAD_TOO_LARGE');
  });

  test('a client that disconnects mid-body ends the handler stream with ECONNRESET', async () => {
    const client = await rawRequest(s.port, `POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer writer-token\r\nContent-Type: application/octet-stream\r\nContent-Length: ${10 * MiB}\r\n\r\n`);
    client.socket.write(Buffer.alloc(MiB));
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.socket.destroy();
    await waitFor(() => seen.length === 1, 5000, 'the handler to finish');
    expect(seen[0].error?.code).toBe('ECONNRESET');
    expect(seen[0].bytes).toBeLessThan(10 * MiB);
  });

  test('the media type is checked after authentication: 401 for a stranger, 415 for a writer, the handler never runs', async () => {
    const stranger = await fetch(`${s.url}/upload`, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(stranger.status).toBe(401);
    const wrongType = await fetch(`${s.url}/upload`, { method: 'POST', body: 'x', headers: { ...auth('writer-token'), 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toEqual({ error: { code: 'TF_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'Request bodies here must be application/octet-stream' } });
    const viewer = await fetch(`${s.url}/upload`, { method: 'POST', body: 'x', headers: { ...auth('viewer-token'), 'content-type': 'application/octet-stream' } });
    expect(viewer.status).toBe(403);
    expect(seen).toEqual([]);
    // Parameters and case do not matter (the content-type library parses the header).
    const mixedCase = await fetch(`${s.url}/upload`, { method: 'POST', body: 'xyz', headers: { ...auth('writer-token'), 'content-type': 'Application/Octet-Stream; foo=bar' } });
    expect(await mixedCase.json()).toEqual({ bytes: 3, hash: sha(Buffer.from('xyz')) });
    // No body at all: an empty, ended stream (the handler decides what that means).
    const empty = await fetch(`${s.url}/upload`, { method: 'POST', headers: auth('writer-token') });
    expect(await empty.json()).toEqual({ bytes: 0, hash: sha(Buffer.alloc(0)) });
  });

  test('a streamed response arrives whole with its Content-Length and headers', async () => {
    const size = 16 * MiB + 123;
    const res = await fetch(`${s.url}/download/${size}`, { headers: auth('viewer-token') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(size);
    expect(sha(body)).toBe(res.headers.get('x-hash'));
    expect(sources[0].destroyed()).toBe(true);
  });

  test('backpressure: a client that stops reading stops the reads from the source; it resumes and completes', async () => {
    const size = 64 * MiB;
    const received: Buffer[] = [];
    let res!: http.IncomingMessage;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${s.url}/download/${size}`, { headers: auth('viewer-token'), agent: false }, (response) => {
        res = response;
        response.pause();
        resolve();
      });
      req.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const pulledWhilePaused = sources[0].pulled();
    expect(pulledWhilePaused).toBeLessThan(32 * MiB); // socket buffers and a chunk or two, not the file
    res.on('data', (chunk: Buffer) => received.push(chunk));
    res.resume(); // an explicit pause() is not undone by a 'data' listener
    await new Promise((resolve) => res.on('end', resolve));
    const body = Buffer.concat(received);
    expect(body.length).toBe(size);
    expect(sha(body)).toBe(res.headers['x-hash']);
  });

  test('a source that ends while its last chunk still waits for a slow client is sent whole, not cut', async () => {
    const body = await new Promise<Buffer>((resolve, reject) => {
      http.get(`${s.url}/one-chunk`, { headers: auth('viewer-token'), agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.complete ? resolve(Buffer.concat(chunks)) : reject(new Error('cut short'))));
          res.on('aborted', () => reject(new Error('aborted')));
          res.resume();
        }, 300);
      }).on('error', reject);
    });
    expect(body.equals(oneChunk)).toBe(true);
  });

  test('a client that goes away mid-download destroys the source; the server serves on', async () => {
    await new Promise<void>((resolve) => {
      const req = http.get(`${s.url}/download/${64 * MiB}`, { headers: auth('viewer-token'), agent: false }, (response) => {
        response.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await waitFor(() => sources[0]?.destroyed() === true, 5000, 'the source to be destroyed');
    expect(sources[0].pulled()).toBeLessThan(64 * MiB);
    const after = await fetch(`${s.url}/download/10`, { headers: auth('viewer-token') });
    expect((await after.arrayBuffer()).byteLength).toBe(10);
  });

  test('HEAD gets the headers and Content-Length of the body and no body; the source is released', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${s.url}/download/${5 * MiB}`, { method: 'HEAD', headers: auth('viewer-token'), agent: false }, resolve);
      req.on('error', reject);
      req.end();
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(5 * MiB));
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((resolve) => res.on('end', resolve));
    expect(chunks).toEqual([]);
    expect(sources[0].destroyed()).toBe(true);
    expect(sources[0].pulled()).toBeLessThanOrEqual(64 * 1024);
  });

  test.each(['error', 'short'])('a source that %s before its length cuts the connection (no silent short file)', async (mode) => {
    const outcome = await new Promise<{ bytes: number; complete: boolean }>((resolve) => {
      let bytes = 0;
      const req = http.get(`${s.url}/broken/${mode}`, { headers: auth('viewer-token'), agent: false }, (res) => {
        expect(res.headers['content-length']).toBe(String(4 * MiB));
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ bytes, complete: res.complete }));
        res.on('aborted', () => resolve({ bytes, complete: false }));
        res.on('error', () => resolve({ bytes, complete: false }));
      });
      req.on('error', () => resolve({ bytes, complete: false }));
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.bytes).toBeLessThan(4 * MiB);
    expect(s.log.lines.some((line) => line.msg === 'streamed response cut short')).toBe(true);
  });

  test('registration refuses a streamBody route without a cap, with a JSON body schema, on GET, or with a bad media type', () => {
    const base = { method: 'POST' as const, access: 'writer' as const, handler: () => ({ status: 204 }) };
    expect(() => s.server.add({ ...base, path: '/r1', streamBody: { accept: ['application/octet-stream'] } })).toThrow(/must set maxBodyBytes/);
    expect(() => s.server.add({ ...base, path: '/r2', maxBodyBytes: 10, streamBody: { accept: [] } })).toThrow(/lower-case media types/);
    expect(() => s.server.add({ ...base, path: '/r3', maxBodyBytes: 10, streamBody: { accept: ['Multipart/Form-Data'] } })).toThrow(/lower-case media types/);
    expect(() => s.server.add({ ...base, method: 'GET', path: '/r4', maxBodyBytes: 10, streamBody: { accept: ['application/octet-stream'] } })).toThrow(/needs POST/);
    const { z } = require('zod') as typeof import('zod');
    expect(() => s.server.add({ ...base, path: '/r5', maxBodyBytes: 10, schema: { body: z.object({}) }, streamBody: { accept: ['application/octet-stream'] } })).toThrow(/cannot have schema.body/);
  });

  test('a handler stream that is not a Readable is a 500, not a crash', async () => {
    s.server.add({ method: 'GET', path: '/bad-stream', access: 'viewer', handler: () => ({ stream: { readable: 'nope' as never, length: 3 } }) });
    const res = await fetch(`${s.url}/bad-stream`, { headers: auth('viewer-token') });
    expect(res.status).toBe(500);
    // A piped download through a Node pipeline works like any other HTTP body.
    const sink: Buffer[] = [];
    await pipeline(Readable.fromWeb((await fetch(`${s.url}/download/1000`, { headers: auth('viewer-token') })).body as never), async function* (source) {
      for await (const chunk of source) sink.push(chunk as Buffer);
    });
    expect(Buffer.concat(sink).length).toBe(1000);
  });
});

describe('streamed bodies the handler never sees', () => {
  let s: Started;
  beforeAll(async () => {
    // Authentication takes a while: a client can vanish before any handler reads its body.
    const slow: Authenticator = { id: 'slow', authenticate: async () => (await new Promise((resolve) => setTimeout(resolve, 300)), { kind: 'allow', principal: { id: 'w', role: 'writer', via: 'slow' } }) };
    s = await startServer({ chain: [slow] });
    s.server.add({ method: 'POST', path: '/upload', access: 'writer', maxBodyBytes: 4 * 1024 ** 3, streamBody: { accept: ['application/octet-stream'] }, handler: () => ({ status: 204 }) });
    s.server.add({ method: 'GET', path: '/ping', access: 'writer', handler: () => ({ text: 'pong' }) });
  });
  afterAll(() => s.server.close());

  test('a client gone during authentication, or a Content-Length uWS refuses (10^9 bytes or more), never crashes the agent', async () => {
    const gone = await rawRequest(s.port, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${MiB}\r\n\r\n`);
    gone.socket.write(Buffer.alloc(64 * 1024));
    gone.socket.destroy();
    // uWS 20.30 parses at most 9 digits of Content-Length: it drops the connection without an answer.
    const huge = await rawRequest(s.port, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1073741824\r\n\r\n');
    huge.socket.write(Buffer.alloc(1024));
    await huge.closed;
    expect(huge.response()).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 500)); // past the slow authentication
    expect(await (await fetch(`${s.url}/ping`)).text()).toBe('pong');
  });
});
