import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TestAgent } from '../../src/testkit';
import { makeSandbox, request, startFilesAgent, type Sandbox } from './files-harness';
import { mkfifoSync } from './mkfifo';

// Downloads of real files: whole, by Range (one range, open-ended, suffix, several, past the end,
// If-Range), HEAD, the headers that keep a browser from rendering anything, and previews.

let box: Sandbox;
let agent: TestAgent;
let token: string;
const data = randomBytes(3 * 1024 * 1024 + 17);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const at = (name: string) => encodeURIComponent(path.join(box.root, name));

beforeAll(async () => {
  box = makeSandbox('tf-downloads-');
  writeFileSync(path.join(box.root, 'big.bin'), data);
  writeFileSync(path.join(box.root, 'page.html'), '<script>alert(document.domain)</script>');
  writeFileSync(path.join(box.root, 'empty'), '');
  writeFileSync(path.join(box.root, 'notes.md'), `# Notes\n${'é'.repeat(200)}`);
  writeFileSync(path.join(box.root, 'long.txt'), 'x'.repeat(5000) + 'é'.repeat(10));
  writeFileSync(path.join(box.root, 'bytes.bin'), Buffer.from([0x41, 0x00, 0x42]));
  // A 3×2 PNG (signature, IHDR) and a 2×1 GIF header: image-size reads their dimensions.
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from([0, 0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0]), Buffer.alloc(4), Buffer.alloc(32)]);
  writeFileSync(path.join(box.root, 'pixel.png'), png);
  writeFileSync(path.join(box.root, 'anim.gif'), Buffer.concat([Buffer.from('GIF89a'), Buffer.from([2, 0, 1, 0, 0, 0, 0]), Buffer.alloc(16)]));
  mkdirSync(path.join(box.root, 'dir'));
  mkfifoSync(path.join(box.root, 'pipe'));
  symlinkSync(path.join(box.root, 'big.bin'), path.join(box.root, 'big-link'));
  agent = await startFilesAgent([box.root], { previewMaxBytes: 4096 });
  token = await agent.token('writer');
}, 30_000);
afterAll(async () => {
  await agent?.stop();
  box?.cleanup();
});

const get = (name: string, headers: Record<string, string> = {}, method = 'GET') => request(agent, method, `/api/files/download?path=${at(name)}`, { token, headers });

describe('downloads', () => {
  test('a whole file: 200, every byte, as an attachment that is never rendered', async () => {
    const answer = await get('big.bin');
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(data.length);
    expect(sha(answer.body)).toBe(sha(data));
    expect(answer.headers).toMatchObject({
      'content-length': String(data.length),
      'content-type': 'application/octet-stream',
      'content-disposition': 'attachment; filename=big.bin',
      'x-content-type-options': 'nosniff',
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-store',
    });
    expect(answer.headers['content-security-policy']).toContain('sandbox');
    expect(answer.headers.etag).toMatch(/^W\/"/);
  });

  test('an HTML file is still an octet-stream attachment (never inline HTML)', async () => {
    const answer = await get('page.html');
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(answer.headers['content-disposition']).toBe('attachment; filename=page.html');
    expect(answer.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(answer.body.toString()).toBe('<script>alert(document.domain)</script>');
  });

  test.each([
    ['bytes=0-9', 0, 9],
    ['bytes=100-', 100, data.length - 1],
    ['bytes=-50', data.length - 50, data.length - 1],
    [`bytes=${data.length - 5}-${data.length + 100}`, data.length - 5, data.length - 1],
    ['bytes=1048570-1048580', 1048570, 1048580],
  ])('Range %s: 206 with exactly those bytes and Content-Range', async (range, start, end) => {
    const answer = await get('big.bin', { range });
    expect(answer.status).toBe(206);
    expect(answer.headers['content-range']).toBe(`bytes ${start}-${end}/${data.length}`);
    expect(answer.headers['content-length']).toBe(String(end - start + 1));
    expect(answer.body.equals(data.subarray(start, end + 1))).toBe(true);
  });

  test('several ranges, another unit or a malformed header: the whole file (200), as RFC 9110 allows', async () => {
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=abc', 'bytes=5-1']) {
      const answer = await get('big.bin', { range });
      expect([range, answer.status, answer.body.length]).toEqual([range, 200, data.length]);
    }
  });

  test('a range past the end: 416 TF_ERR_RANGE_NOT_SATISFIABLE with the size; an empty file has no range', async () => {
    const answer = await get('big.bin', { range: `bytes=${data.length}-` });
    expect(answer.status).toBe(416);
    expect(answer.json.error.code).toBe('TF_ERR_RANGE_NOT_SATISFIABLE');
    expect(answer.headers['content-range']).toBe(`bytes */${data.length}`);
    const empty = await get('empty');
    expect([empty.status, empty.headers['content-length'], empty.body.length]).toEqual([200, '0', 0]);
    expect((await get('empty', { range: 'bytes=0-' })).status).toBe(416);
  });

  test('If-Range: the current ETag gets the range, a stale one the whole file', async () => {
    const etag = String((await get('big.bin', {}, 'HEAD')).headers.etag);
    expect((await get('big.bin', { range: 'bytes=0-0', 'if-range': etag })).status).toBe(206);
    const stale = await get('big.bin', { range: 'bytes=0-0', 'if-range': 'W/"0-0"' });
    expect([stale.status, stale.body.length]).toEqual([200, data.length]);
  });

  test('HEAD: the headers and length of the download, no body', async () => {
    const answer = await get('big.bin', {}, 'HEAD');
    expect([answer.status, answer.headers['content-length'], answer.body.length]).toEqual([200, String(data.length), 0]);
  });

  test('a link to a file inside the root downloads under the real name; directories, FIFOs and missing files are refused in words', async () => {
    const linked = await get('big-link');
    expect([linked.status, linked.headers['content-disposition']]).toEqual([200, 'attachment; filename=big.bin']);
    for (const [name, status, code] of [['dir', 400, 'TF_ERR_NOT_A_FILE'], ['pipe', 400, 'TF_ERR_NOT_A_FILE'], ['missing', 404, 'TF_ERR_FILE_NOT_FOUND']] as const) {
      const answer = await get(name);
      expect([name, answer.status, answer.json.error.code]).toEqual([name, status, code]);
      expect(answer.json.error.message).toMatch(/regular file|does not exist/);
    }
  });

  test('a file name with quotes and non-ASCII characters is encoded per RFC 6266', async () => {
    writeFileSync(path.join(box.root, 'résumé "final".pdf'), 'pdf');
    const answer = await get('résumé "final".pdf');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename="r?sum? \\"final\\".pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`);
  });
});

describe('previews', () => {
  const preview = async (name: string) => (await request(agent, 'GET', `/api/files/preview?path=${at(name)}`, { token })).json;

  test('text is shown up to the cap, cut at a character boundary', async () => {
    expect(await preview('notes.md')).toMatchObject({ kind: 'text', text: `# Notes\n${'é'.repeat(200)}`, truncated: false });
    const long = await preview('long.txt');
    expect(long.kind).toBe('text');
    expect(long.truncated).toBe(true);
    expect(Buffer.byteLength(long.text)).toBeLessThanOrEqual(4096);
    expect(long.text).toBe('x'.repeat(4096));
  });

  test('images give their type and size, never their bytes; binary and empty files say so', async () => {
    expect(await preview('pixel.png')).toMatchObject({ kind: 'image', image: { type: 'png', width: 3, height: 2 } });
    expect(await preview('anim.gif')).toMatchObject({ kind: 'image', image: { type: 'gif', width: 2, height: 1 } });
    expect(await preview('bytes.bin')).toMatchObject({ kind: 'binary', truncated: false });
    expect((await preview('bytes.bin')).text).toBeUndefined();
    expect(await preview('empty')).toMatchObject({ kind: 'empty', size: 0 });
  });
});
