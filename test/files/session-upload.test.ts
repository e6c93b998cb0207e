import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { FileUploaded } from '../../src/plugin-api';
import type { TestAgent } from '../../src/testkit';
import { waitFor } from '../transport/transport-test-kit';
import { makeSandbox, multipart, request, startFilesAgent, type Sandbox } from './files-harness';

// Dropping files into a session: stored (by default in the session's private upload directory),
// their shell-quoted absolute paths typed into the session's real PTY, without Enter.

let box: Sandbox;
let agent: TestAgent;
let token: string;

beforeAll(async () => {
  box = makeSandbox('tf-session-upload-');
  mkdirSync(path.join(box.root, 'project', 'assets'), { recursive: true });
  agent = await startFilesAgent([box.root]);
  token = await agent.token('writer');
}, 30_000);
afterAll(async () => {
  await agent?.stop();
  box?.cleanup();
});

async function session(command: string[], cwd = path.join(box.root, 'project')): Promise<string> {
  // Wide, so a long typed path stays on one screen line.
  const created = await agent.as('writer').post('/api/sessions', { command, cwd, cols: 400, rows: 30 });
  expect(created.status).toBe(201);
  return created.json.id;
}
function drop(id: string, files: Array<{ name: string; data: string }>, query = '') {
  const form = multipart(files);
  return request(agent, 'POST', `/api/sessions/${id}/upload${query}`, { token, body: form.body, contentType: form.contentType });
}
async function screen(id: string, text: string | RegExp): Promise<string> {
  let last = '';
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    last = (await agent.as('viewer').get(`/api/sessions/${id}/text`)).text;
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`screen never showed ${String(text)}; last:\n${last}`);
}

describe('upload into a session', () => {
  test('the quoted path is typed into the PTY exactly, without Enter', async () => {
    // The program reads one raw line: what it gets is exactly what the agent typed.
    const id = await session(['sh', '-c', `printf 'READY\\n'; IFS= read -r line; printf 'GOT<%s>\\n' "$line"; sleep 30`]);
    await screen(id, 'READY');
    const answer = await drop(id, [{ name: "it's my file.txt", data: 'DROPPED-CONTENT' }]);
    expect(answer.status).toBe(201);
    const [file] = answer.json.files;
    expect(file.name).toBe("it's my file.txt");
    expect(answer.json.typed).toBe(`'${file.path.replace(/'/g, `'\\''`)}'`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await screen(id, answer.json.typed)).not.toContain('GOT<'); // typed, not entered
    await agent.as('writer').post(`/api/sessions/${id}/input`, { key: 'enter' });
    expect(await screen(id, 'GOT<')).toContain(`GOT<${answer.json.typed}>`);
    // The private upload directory: the agent's own, readable by the user only.
    expect(readFileSync(file.path, 'utf8')).toBe('DROPPED-CONTENT');
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file.path)).mode & 0o777).toBe(0o700);
    expect(path.basename(path.dirname(file.path))).toBe(id);
    const event = await agent.waitForEvent(FileUploaded, (e) => e.data.path === file.path);
    expect(event.data).toMatchObject({ sessionId: id, size: 15, by: { role: 'writer' } });
  });

  test('a shell given the typed path opens the right file, names with spaces, quotes and $() included', async () => {
    const id = await session(['bash', '--norc', '--noprofile']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await agent.as('writer').post(`/api/sessions/${id}/input`, { text: 'cat ' });
    const answer = await drop(id, [{ name: '$(echo pwned) a"b.txt', data: 'FIRST-FILE' }, { name: 'second.txt', data: 'SECOND-FILE' }]);
    expect(answer.status).toBe(201);
    expect(answer.json.typed.split(' ').length).toBeGreaterThanOrEqual(2);
    await agent.as('writer').post(`/api/sessions/${id}/input`, { key: 'enter' });
    const shown = await screen(id, 'SECOND-FILE');
    expect(shown).toContain('FIRST-FILE');
    expect(shown).not.toContain('pwned a');
  });

  test('a name that exists gets a number; nothing is replaced', async () => {
    const id = await session(['sh', '-c', 'sleep 30']);
    const first = await drop(id, [{ name: 'shot.png', data: 'one' }]);
    const second = await drop(id, [{ name: 'shot.png', data: 'two' }]);
    expect(first.json.files[0].name).toBe('shot.png');
    expect(second.json.files[0].name).toBe('shot (1).png');
    expect(readFileSync(first.json.files[0].path, 'utf8')).toBe('one');
    expect(readFileSync(second.json.files[0].path, 'utf8')).toBe('two');
  });

  test('dir= stores it elsewhere in the roots (relative to the cwd); outside the roots is refused', async () => {
    const id = await session(['sh', '-c', 'sleep 30']);
    const answer = await drop(id, [{ name: 'logo.svg', data: '<svg/>' }], '?dir=assets');
    expect(answer.json.files[0].path).toBe(path.join(box.root, 'project', 'assets', 'logo.svg'));
    const refused = await drop(id, [{ name: 'x', data: 'x' }], `?dir=${encodeURIComponent(box.outside)}`);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'TF_ERR_OUTSIDE_ROOTS']);
  });

  test("the private directory goes with the session; an exited or unknown session is refused", async () => {
    const id = await session(['sh', '-c', 'sleep 30']);
    const stored = (await drop(id, [{ name: 'temp.txt', data: 't' }])).json.files[0].path;
    expect(existsSync(stored)).toBe(true);
    await agent.as('writer').delete(`/api/sessions/${id}`); // ends it
    await agent.waitForEvent('session.exited', (e) => (e.data as { id: string }).id === id);
    const exited = await drop(id, [{ name: 'late.txt', data: 'x' }]);
    expect([exited.status, exited.json.error.code]).toEqual([409, 'TF_ERR_SESSION_EXITED']);
    await agent.as('writer').delete(`/api/sessions/${id}`); // removes it
    await waitFor(() => !existsSync(path.dirname(stored)), 5000, 'the session upload directory to go');
    const unknown = await drop('00000000-0000-4000-8000-000000000000', [{ name: 'x', data: 'x' }]);
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'TF_ERR_SESSION_NOT_FOUND']);
  });

  test('the session file routes list and download relative to its working directory', async () => {
    const id = await session(['sh', '-c', 'sleep 30']);
    await drop(id, [{ name: 'readme.txt', data: 'read me' }], '?dir=.');
    const listing = await request(agent, 'GET', `/api/sessions/${id}/files`, { token });
    expect(listing.json.path).toBe(path.join(box.root, 'project'));
    expect(listing.json.entries.map((e: { name: string }) => e.name)).toEqual(['assets', 'readme.txt']);
    const nested = await request(agent, 'GET', `/api/sessions/${id}/files?path=assets`, { token });
    expect(nested.json.path).toBe(path.join(box.root, 'project', 'assets'));
    const download = await request(agent, 'GET', `/api/sessions/${id}/files/download?path=readme.txt`, { token });
    expect([download.status, download.body.toString()]).toEqual([200, 'read me']);
  });
});

describe("sessionUploads: 'cwd'", () => {
  test("files dropped into a session land in its working directory", async () => {
    const other = await startFilesAgent([box.root], { sessionUploads: 'cwd' });
    try {
      const created = await other.as('writer').post('/api/sessions', { command: ['sh', '-c', 'sleep 30'], cwd: path.join(box.root, 'project') });
      const form = multipart([{ name: 'here.txt', data: 'here' }]);
      const answer = await request(other, 'POST', `/api/sessions/${created.json.id}/upload`, { token: await other.token('writer'), body: form.body, contentType: form.contentType });
      expect(answer.json.files[0].path).toBe(path.join(box.root, 'project', 'here.txt'));
      expect(answer.json.typed).toBe(path.join(box.root, 'project', 'here.txt')); // no quotes needed
    } finally {
      await other.stop();
    }
  });
});
