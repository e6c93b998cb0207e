import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TestAgent } from '../../src/testkit';
import { makeSandbox, request, startFilesAgent, type Sandbox } from './files-harness';

// Single-use download links on the real agent with real files: what a browser navigates to so it
// can stream a download to disk. The link is made with a credential and the same checks as a
// download; the URL alone then downloads that one file, once, for a short time.

let box: Sandbox;
let agent: TestAgent;
let session: string;
const data = randomBytes(2 * 1024 * 1024 + 5);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  box = makeSandbox('tf-links-');
  mkdirSync(path.join(box.root, 'work'));
  writeFileSync(path.join(box.root, 'work', 'data.bin'), data);
  writeFileSync(path.join(box.root, 'top.txt'), 'top level');
  agent = await startFilesAgent([box.root], { readOnlyBrowsing: true, downloadLinkTtlSeconds: 2 });
  session = (await agent.as('writer').post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], cwd: path.join(box.root, 'work') })).json.id;
}, 30_000);
afterAll(async () => {
  await agent?.stop();
  box?.cleanup();
});

const fetchLink = (url: string, headers: Record<string, string> = {}) => request(agent, 'GET', url, { token: null, headers });

describe('download links', () => {
  test('a link downloads its file once, without credentials, as an attachment; then it is gone', async () => {
    const link = await agent.as('writer').post('/api/files/download-link', { path: path.join(box.root, 'work', 'data.bin') });
    expect(link.status).toBe(200);
    expect(link.json).toEqual({ url: expect.stringMatching(/^\/api\/files\/fetch\?ticket=[\w-]{43}$/), expiresAt: expect.any(String) });
    expect(Date.parse(link.json.expiresAt) - Date.now()).toBeLessThanOrEqual(2000);
    const first = await fetchLink(link.json.url);
    expect(first.status).toBe(200);
    expect(sha(first.body)).toBe(sha(data));
    expect(first.headers['content-disposition']).toBe('attachment; filename=data.bin');
    expect(first.headers['content-type']).toBe('application/octet-stream');
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    const again = await fetchLink(link.json.url);
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe('TF_ERR_LINK_NOT_FOUND');
  });

  test('a session link resolves relative to its cwd, and a share link is held below that cwd', async () => {
    const relative = await agent.as('viewer').post(`/api/sessions/${session}/files/download-link`, { path: 'data.bin' });
    expect(relative.status).toBe(200);
    const range = await fetchLink(relative.json.url, { range: 'bytes=10-19' });
    expect(range.status).toBe(206);
    expect(range.body.equals(data.subarray(10, 20))).toBe(true);
    const share = (await agent.as('writer').post(`/api/sessions/${session}/share`, {})).json.token as string;
    const below = await request(agent, 'POST', `/api/sessions/${session}/files/download-link`, { token: share, body: Buffer.from(JSON.stringify({ path: 'data.bin' })), contentType: 'application/json' });
    expect(below.status).toBe(200);
    const above = await request(agent, 'POST', `/api/sessions/${session}/files/download-link`, { token: share, body: Buffer.from(JSON.stringify({ path: '../top.txt' })), contentType: 'application/json' });
    expect(above.status).toBe(400); // '..' is refused as text before anything resolves
    const outside = await request(agent, 'POST', `/api/sessions/${session}/files/download-link`, { token: share, body: Buffer.from(JSON.stringify({ path: path.join(box.root, 'top.txt') })), contentType: 'application/json' });
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('TF_ERR_OUTSIDE_ROOTS');
    // Not on the plain route: a share link reaches only its session's routes.
    const plain = await request(agent, 'POST', '/api/files/download-link', { token: share, body: Buffer.from(JSON.stringify({ path: path.join(box.root, 'top.txt') })), contentType: 'application/json' });
    expect(plain.status).toBe(403);
  });

  test.each([
    ['outside the roots', () => box.secret, 403, 'TF_ERR_OUTSIDE_ROOTS'],
    ['a root sibling with a common prefix', () => `${box.root}-sibling/x`, 403, 'TF_ERR_OUTSIDE_ROOTS'],
    ['a dot-dot path', () => `${box.root}/work/../../outside/secret.txt`, 400, 'TF_ERR_BAD_PATH'],
    ['a directory', () => path.join(box.root, 'work'), 400, 'TF_ERR_NOT_A_FILE'],
    ['a missing file', () => path.join(box.root, 'nope.txt'), 404, 'TF_ERR_FILE_NOT_FOUND'],
    ["the agent's data dir", () => path.join(agent.dataDir, 'local-token'), 403, 'TF_ERR_OUTSIDE_ROOTS'],
  ])('no link for %s: the same refusal as a download, made when the link is asked for', async (_what, target, status, code) => {
    const answer = await agent.as('writer').post('/api/files/download-link', { path: target() });
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
  });

  test('no credential, no link; an unknown or missing ticket downloads nothing', async () => {
    expect((await agent.anonymous().post('/api/files/download-link', { path: path.join(box.root, 'top.txt') })).status).toBe(401);
    const guessed = await fetchLink(`/api/files/fetch?ticket=${randomBytes(32).toString('base64url')}`);
    expect(guessed.status).toBe(404);
    expect(guessed.json.error.code).toBe('TF_ERR_LINK_NOT_FOUND');
    expect((await fetchLink('/api/files/fetch')).status).toBe(400);
  });

  test('a link expires; one of a revoked credential, or of a session that ended, is dead', async () => {
    const file = path.join(box.root, 'top.txt');
    const late = await agent.as('writer').post('/api/files/download-link', { path: file });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetchLink(late.json.url)).status).toBe(404);

    const created = await agent.as('admin').post('/api/tokens', { name: 'links', role: 'writer' });
    const revoked = await request(agent, 'POST', '/api/files/download-link', { token: created.json.token, body: Buffer.from(JSON.stringify({ path: file })), contentType: 'application/json' });
    expect(revoked.status).toBe(200);
    expect((await agent.as('admin').delete(`/api/tokens/${created.json.id}`)).status).toBe(204);
    expect((await fetchLink(revoked.json.url)).status).toBe(404);

    const other = (await agent.as('writer').post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], cwd: path.join(box.root, 'work') })).json.id;
    const ended = await agent.as('writer').post(`/api/sessions/${other}/files/download-link`, { path: 'data.bin' });
    expect(ended.status).toBe(200);
    // The first DELETE ends it (kept, exited); once exited, the next removes it.
    expect((await agent.as('writer').delete(`/api/sessions/${other}`)).status).toBe(200);
    await agent.waitForEvent('session.exited', (event) => (event.data as { id: string }).id === other);
    expect((await agent.as('writer').delete(`/api/sessions/${other}`)).status).toBe(204);
    expect((await fetchLink(ended.json.url)).status).toBe(404);
  });

  test('the ticket is never logged', async () => {
    const link = await agent.as('writer').post('/api/files/download-link', { path: path.join(box.root, 'top.txt') });
    await fetchLink(link.json.url);
    const ticket = String(link.json.url).split('ticket=')[1];
    expect(JSON.stringify(agent.logs)).not.toContain(ticket);
  });
});

describe('download links without readOnlyBrowsing', () => {
  test('a viewer gets no link', async () => {
    const strict = await startFilesAgent([box.root]);
    try {
      const answer = await strict.as('viewer').post('/api/files/download-link', { path: path.join(box.root, 'top.txt') });
      expect(answer.status).toBe(403);
      expect(answer.json.error.code).toBe('TF_ERR_FORBIDDEN');
    } finally {
      await strict.stop();
    }
  }, 30_000);
});
