import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TestAgent } from '../../src/testkit';
import { makeSandbox, multipart, request, startFilesAgent, tree, type Answer, type Sandbox } from './files-harness';

// Every way out of the jail the issue names, one table per attack class, each tried on every route
// that takes a path (reads and writes). Each attempt must be refused with its status and code, and
// nothing may be read or written: the trees inside and outside the root are compared before and
// after, and no answer may carry the secret.

type Route = 'list' | 'stat' | 'download' | 'preview' | 'upload' | 'mkdir' | 'rename-to' | 'rename-from' | 'delete';
const READS: Route[] = ['list', 'stat', 'download', 'preview'];
const WRITES: Route[] = ['upload', 'mkdir', 'rename-to', 'rename-from', 'delete'];
const ALL: Route[] = [...READS, ...WRITES];

interface Attempt {
  /** The path as the request carries it: decoded text, or already URL-encoded (`raw`). */
  x: string;
  raw?: boolean;
  routes: Route[];
  status: number;
  code: string;
}

let box: Sandbox;
let agent: TestAgent;
let writer: string;
let root: string;
let dataDir: string;

beforeAll(async () => {
  box = makeSandbox('tf-attacks-');
  root = box.root;
  writeFileSync(path.join(root, 'inside.txt'), 'INSIDE');
  mkdirSync(path.join(root, 'sub'));
  mkdirSync(`${root}-sibling`);
  writeFileSync(`${root}-sibling/file.txt`, 'TOP-SECRET-SIBLING');
  symlinkSync(box.secret, path.join(root, 'link-out'));
  symlinkSync(box.outside, path.join(root, 'dirlink-out'));
  writeFileSync(path.join(box.outside, 'secret2.txt'), 'TOP-SECRET-HARDLINKED');
  linkSync(path.join(box.outside, 'secret2.txt'), path.join(root, 'hard-out'));
  // The agent's data dir (tokens, keys) inside the root: still never served.
  dataDir = path.join(root, '.tunnelforge');
  symlinkSync(dataDir, path.join(root, 'to-data'));
  agent = await startFilesAgent([root], {}, { dataDir });
  writer = await agent.token('admin'); // the strongest role: refusals are the jail's, not the role's
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  box?.cleanup();
});

const q = (a: Attempt) => (a.raw ? a.x : encodeURIComponent(a.x));

function send(route: Route, a: Attempt): Promise<Answer> {
  const token = writer;
  switch (route) {
    case 'list':
      return request(agent, 'GET', `/api/files/list?path=${q(a)}`, { token });
    case 'stat':
      return request(agent, 'GET', `/api/files/stat?path=${q(a)}`, { token });
    case 'download':
      return request(agent, 'GET', `/api/files/download?path=${q(a)}`, { token });
    case 'preview':
      return request(agent, 'GET', `/api/files/preview?path=${q(a)}`, { token });
    case 'upload': {
      const form = multipart([{ name: 'pwned.txt', data: 'PWNED' }]);
      return request(agent, 'POST', `/api/files/upload?dir=${q(a)}`, { token, body: form.body, contentType: form.contentType });
    }
    case 'delete':
      return request(agent, 'DELETE', `/api/files?path=${q(a)}&recursive=true`, { token });
    case 'mkdir':
    case 'rename-to':
    case 'rename-from': {
      // JSON carries the text as it is (the raw, URL-encoded attempts only go to query routes).
      const text = a.x;
      const body = route === 'mkdir' ? { path: text } : route === 'rename-to' ? { from: path.join(root, 'inside.txt'), to: text } : { from: text, to: path.join(root, 'moved') };
      return request(agent, 'POST', route === 'mkdir' ? '/api/files/mkdir' : '/api/files/rename', { token, body: Buffer.from(JSON.stringify(body)), contentType: 'application/json' });
    }
  }
}

/** Runs every attempt of a class and asserts the refusals and that nothing changed anywhere. */
async function refuseAll(attempts: Attempt[]): Promise<void> {
  const before = { root: tree(root), outside: tree(box.outside), secret: readFileSync(box.secret, 'utf8'), inside: readFileSync(path.join(root, 'inside.txt'), 'utf8') };
  const problems: string[] = [];
  for (const a of attempts) {
    for (const route of a.routes) {
      const answer = await send(route, a);
      const code = answer.json?.error?.code;
      if (answer.status !== a.status || code !== a.code) problems.push(`${route} ${JSON.stringify(a.x)}: got ${answer.status} ${code ?? answer.body.toString('utf8').slice(0, 80)}, want ${a.status} ${a.code}`);
      if (answer.body.includes('TOP-SECRET')) problems.push(`${route} ${JSON.stringify(a.x)}: the answer carries a secret`);
    }
  }
  expect(problems).toEqual([]);
  expect({ root: tree(root), outside: tree(box.outside), secret: readFileSync(box.secret, 'utf8'), inside: readFileSync(path.join(root, 'inside.txt'), 'utf8') }).toEqual(before);
}

const BAD = { status: 400, code: 'TF_ERR_BAD_PATH' };
const OUT = { status: 403, code: 'TF_ERR_OUTSIDE_ROOTS' };

describe('the files jail refuses, and reads and writes nothing', () => {
  test('".." segments, however placed', async () => {
    await refuseAll(
      [`${'R'}/../outside/secret.txt`, 'R/sub/../../outside', 'R/..', 'R/sub/..', '../outside/secret.txt', 'R/sub/../inside.txt'].map((x) => ({ x: x.replace('R', root), routes: ALL, ...BAD })),
    );
  });

  test('URL-encoded dots and slashes (decoded once by the URL: still "..")', async () => {
    const r = encodeURIComponent(root);
    await refuseAll(
      [`${r}%2F%2e%2e%2Foutside%2Fsecret.txt`, `${r}/%2E%2E/outside`, `${r}/sub/%2e%2e%2f%2e%2e%2foutside`, `${r}%2F.%2e%2Foutside`].map((x) => ({ x, raw: true, routes: [...READS, 'upload', 'delete'], ...BAD })),
    );
  });

  test('double-encoded dots, slashes, backslashes and NULs (what survives one decoding)', async () => {
    const r = encodeURIComponent(root);
    await refuseAll([
      ...[`${r}%2F%252e%252e%2Foutside`, `${r}%2F%25252e%25252e%2Foutside`, `${r}%2F..%252Foutside`, `${r}%2Fsub%255c..`, `${r}%2Finside.txt%2500.png`].map((x) => ({ x, raw: true, routes: [...READS, 'upload', 'delete'] as Route[], ...BAD })),
      // The same text inside JSON bodies.
      ...[`${root}/%2e%2e/outside`, `${root}/%2E%2E%2Foutside`].map((x) => ({ x, routes: ['mkdir', 'rename-to', 'rename-from'] as Route[], ...BAD })),
    ]);
  });

  test('backslashes', async () => {
    await refuseAll([`${root}\\..\\outside\\secret.txt`, `${root}/sub\\..\\..\\outside`, `${root}\\inside.txt`].map((x) => ({ x, routes: ALL, ...BAD })));
  });

  test('NUL bytes', async () => {
    await refuseAll([
      ...[`${root}/inside.txt\0.png`, `${root}/\0`, `${root}/sub\0/../../outside`].map((x) => ({ x, routes: ALL, ...BAD })),
      { x: `${encodeURIComponent(root)}%2Finside.txt%00`, raw: true, routes: [...READS, 'upload', 'delete'], ...BAD },
    ]);
  });

  test('overlong names and paths, and controls in them', async () => {
    await refuseAll([
      ...[`${root}/${'a'.repeat(256)}`, `${root}/${'é'.repeat(128)}`, `${root}/${'d/'.repeat(2100)}x`, `${root}/new\nline`, `${root}/bell\u0007`].map((x) => ({ x, routes: ALL, ...BAD })),
    ]);
  });

  test('Unicode look-alikes of ".", "/" and "\\", and invisible characters', async () => {
    const lookAlikes = [
      `${root}/\u2025/outside`, // two dot leader (NFKC "..")
      `${root}/\uff0e\uff0e/outside`, // fullwidth full stops
      `${root}/\u2024\u2024/outside`, // one dot leaders
      `${root}/\ufe52\ufe52/outside`, // small full stops
      `${root}\u2215..\u2215outside`, // division slash
      `${root}/..\u2044outside`, // fraction slash
      `${root}/sub\uff0f..\uff0f..`, // fullwidth solidus
      `${root}/sub\u29f5..`, // reverse solidus operator
      `${root}/in\u200bside.txt`, // zero-width space
      `${root}/\u202etxt.edisni`, // right-to-left override
    ];
    await refuseAll(lookAlikes.map((x) => ({ x, routes: ALL, ...BAD })));
  });

  test('absolute paths outside the roots, and relative paths', async () => {
    await refuseAll([
      ...['/etc/passwd', box.secret, box.outside, '/', path.dirname(root)].map((x) => ({ x, routes: ALL, ...OUT })),
      ...['inside.txt', 'sub', './inside.txt'].map((x) => ({ x, routes: ALL, ...BAD })),
    ]);
  });

  test("a root's sibling with a common prefix (/x/root vs /x/root-sibling)", async () => {
    await refuseAll([`${root}-sibling`, `${root}-sibling/file.txt`, `${root}2`, `${root}.bak`].map((x) => ({ x, routes: ALL, ...OUT })));
  });

  test('symbolic links that lead out of the root', async () => {
    const escape = { status: 403, code: 'TF_ERR_SYMLINK_ESCAPE' };
    await refuseAll([
      // Followed: reading through them, or writing into a linked directory.
      { x: path.join(root, 'link-out'), routes: ['list', 'download', 'preview', 'upload'], ...escape },
      { x: path.join(root, 'dirlink-out'), routes: ['list', 'download', 'preview', 'upload'], ...escape },
      { x: path.join(root, 'dirlink-out', 'secret.txt'), routes: ALL, ...escape },
      { x: path.join(root, 'dirlink-out', 'new'), routes: ['mkdir', 'rename-to'], ...escape },
    ]);
    // The links themselves are entries of the root: stat shows one, without following it out.
    const stat = await request(agent, 'GET', `/api/files/stat?path=${encodeURIComponent(path.join(root, 'link-out'))}`, { token: writer });
    expect(stat.json).toMatchObject({ type: 'symlink', target: box.secret, targetType: null });
  });

  test('hard links to files outside (another name of the same file) are not read', async () => {
    await refuseAll([{ x: path.join(root, 'hard-out'), routes: ['download', 'preview'], status: 403, code: 'TF_ERR_HARDLINK_REFUSED' }]);
  });

  test("the agent's data dir inside a root: never listed, read, written, moved or deleted", async () => {
    const denied = { status: 403, code: 'TF_ERR_PATH_DENIED' };
    expect(readFileSync(path.join(dataDir, 'local-token'), 'utf8')).toMatch(/^tfl_/);
    await refuseAll([
      { x: dataDir, routes: ALL, ...denied },
      { x: path.join(dataDir, 'local-token'), routes: ALL, ...denied },
      { x: path.join(dataDir, 'new'), routes: ['mkdir', 'rename-to'], ...denied },
      { x: path.join(root, 'to-data'), routes: ['list', 'upload'], ...denied },
      { x: path.join(root, 'to-data', 'local-token'), routes: ['download', 'preview', 'stat'], ...denied },
      // Its parents: deleting or moving one would take the data dir along; the root itself is protected anyway.
      { x: root, routes: ['delete', 'rename-from'], ...denied },
    ]);
    const listing = await request(agent, 'GET', `/api/files/list?path=${encodeURIComponent(root)}`, { token: writer });
    expect(listing.status).toBe(200);
    expect(listing.json.entries.map((e: { name: string }) => e.name)).not.toContain('.tunnelforge');
    expect(listing.json.entries.map((e: { name: string }) => e.name)).toContain('inside.txt');
  });
});
