import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { DirectoryCreated, FileDeleted, FileRenamed, FileUploaded } from '../../src/plugin-api';
import type { TestAgent } from '../../src/testkit';
import { makeSandbox, multipart, request, startFilesAgent, type Answer, type Sandbox } from './files-harness';

// Who may do what, on the real agent with real credentials: viewers and share links read nothing
// unless readOnlyBrowsing is on (and a share link then only below its session's working
// directory); writers and admins read and write; every write is an event naming who did it.

type Who = 'viewer' | 'share' | 'writer' | 'admin';
const WHO: Who[] = ['viewer', 'share', 'writer', 'admin'];

interface World {
  agent: TestAgent;
  box: Sandbox;
  session: string;
  tokens: Record<Who, string>;
}

async function world(options: Record<string, unknown>): Promise<World> {
  const box = makeSandbox('tf-roles-');
  mkdirSync(path.join(box.root, 'work'));
  writeFileSync(path.join(box.root, 'work', 'notes.txt'), 'notes');
  writeFileSync(path.join(box.root, 'top.txt'), 'top level');
  const agent = await startFilesAgent([box.root], options);
  const writer = await agent.token('writer');
  const created = await agent.as('writer').post('/api/sessions', { command: ['sh', '-c', 'sleep 60'], cwd: path.join(box.root, 'work') });
  const share = await agent.as('writer').post(`/api/sessions/${created.json.id}/share`, {});
  return { agent, box, session: created.json.id, tokens: { viewer: await agent.token('viewer'), share: share.json.token, writer, admin: await agent.token('admin') } };
}

function reads(w: World): Array<[string, string]> {
  const e = (p: string) => encodeURIComponent(p);
  const work = path.join(w.box.root, 'work');
  return [
    ['list', `/api/files/list?path=${e(work)}`],
    ['stat', `/api/files/stat?path=${e(path.join(work, 'notes.txt'))}`],
    ['complete', `/api/files/complete?prefix=${e(`${w.box.root}/w`)}`],
    ['preview', `/api/files/preview?path=${e(path.join(work, 'notes.txt'))}`],
    ['download', `/api/files/download?path=${e(path.join(work, 'notes.txt'))}`],
    ['session list', `/api/sessions/${w.session}/files`],
    ['session download', `/api/sessions/${w.session}/files/download?path=notes.txt`],
  ];
}

async function write(w: World, who: Who, what: string, n: number): Promise<Answer> {
  const token = w.tokens[who];
  const root = w.box.root;
  const form = multipart([{ name: `${who}-${n}.txt`, data: 'x' }]);
  const json = (body: unknown) => ({ token, body: Buffer.from(JSON.stringify(body)), contentType: 'application/json' });
  switch (what) {
    case 'upload':
      return request(w.agent, 'POST', `/api/files/upload?dir=${encodeURIComponent(root)}`, { token, body: form.body, contentType: form.contentType });
    case 'session upload':
      return request(w.agent, 'POST', `/api/sessions/${w.session}/upload`, { token, body: form.body, contentType: form.contentType });
    case 'mkdir':
      return request(w.agent, 'POST', '/api/files/mkdir', json({ path: path.join(root, `dir-${who}-${n}`) }));
    case 'rename':
      writeFileSync(path.join(root, `from-${who}-${n}`), 'r');
      return request(w.agent, 'POST', '/api/files/rename', json({ from: path.join(root, `from-${who}-${n}`), to: path.join(root, `to-${who}-${n}`) }));
    default:
      writeFileSync(path.join(root, `gone-${who}-${n}`), 'd');
      return request(w.agent, 'DELETE', `/api/files?path=${encodeURIComponent(path.join(root, `gone-${who}-${n}`))}`, { token });
  }
}
const WRITES = ['upload', 'session upload', 'mkdir', 'rename', 'delete'];

/** The event types `GET /api/events` replays to `token` after the agent's first event (read for 500 ms). */
function replayedTypes(w: World, token: string): Promise<string[]> {
  const first = w.agent.events[0]?.id ?? '';
  return new Promise((resolve, reject) => {
    let body = '';
    const req = http.get(`${w.agent.url}/api/events?types=files.*,session.created`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': first }, agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      setTimeout(() => {
        req.destroy();
        resolve([...body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]));
      }, 500);
    });
    req.on('error', (error) => (body === '' ? reject(error) : undefined));
  });
}

describe('roles with readOnlyBrowsing off (the default)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({});
  }, 30_000);
  afterAll(async () => {
    await w?.agent.stop();
    w?.box.cleanup();
  });

  test('viewers and share links read nothing; writers and admins read everything', async () => {
    const table: string[] = [];
    for (const who of WHO) {
      for (const [name, route] of reads(w)) {
        const answer = await request(w.agent, 'GET', route, { token: w.tokens[who] });
        table.push(`${who} ${name}: ${answer.status} ${answer.json?.error?.code ?? ''}`.trim());
      }
    }
    const expected = WHO.flatMap((who) =>
      reads(w).map(([name]) => {
        if (who === 'writer' || who === 'admin') return `${who} ${name}: 200`;
        // A share link is refused outside its session's routes by the authenticator, inside them by the plugin.
        return `${who} ${name}: 403 TF_ERR_FORBIDDEN`;
      }),
    );
    expect(table).toEqual(expected);
  });

  test('only writers and admins write, and each write is an event naming them', async () => {
    const table: string[] = [];
    let n = 0;
    for (const who of WHO) for (const what of WRITES) table.push(`${who} ${what}: ${(await write(w, who, what, n++)).status}`);
    const created: Record<string, number> = { upload: 201, 'session upload': 201, mkdir: 201, rename: 200, delete: 204 };
    expect(table).toEqual(WHO.flatMap((who) => WRITES.map((what) => `${who} ${what}: ${who === 'writer' || who === 'admin' ? created[what] : 403}`)));
    expect(existsSync(path.join(w.box.root, 'viewer-0.txt'))).toBe(false);
    for (const [type, role] of [[FileUploaded, 'writer'], [DirectoryCreated, 'admin'], [FileRenamed, 'writer'], [FileDeleted, 'admin']] as const) {
      const event = await w.agent.waitForEvent(type as typeof FileUploaded, (e) => e.data.by?.role === role);
      expect(event.data.by).toEqual({ id: expect.any(String), role, via: 'auth-token' });
      expect(event.source).toBe('files');
    }
    const dropped = await w.agent.waitForEvent(FileUploaded, (e) => e.data.sessionId === w.session);
    expect(dropped.data.path).toMatch(/-\d+\.txt$/);
  });

  test('files.* events (paths, names) reach writers and admins on GET /api/events, not viewers', async () => {
    await write(w, 'writer', 'mkdir', 100);
    await w.agent.waitForEvent(DirectoryCreated, (e) => e.data.path.endsWith('dir-writer-100'));
    const writer = await replayedTypes(w, w.tokens.writer);
    expect(writer).toContain('session.created');
    expect(writer).toContain('files.directory-created');
    const viewer = await replayedTypes(w, w.tokens.viewer);
    // The viewer's stream works (it gets the session) but carries no file event.
    expect(viewer).toContain('session.created');
    expect(viewer.filter((type) => type.startsWith('files.'))).toEqual([]);
  });
});

describe('roles with readOnlyBrowsing on, and deleting turned off', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ readOnlyBrowsing: true, allowDelete: false });
  }, 30_000);
  afterAll(async () => {
    await w?.agent.stop();
    w?.box.cleanup();
  });

  test('viewers read everything in the roots; share links read their session routes only, below its working directory', async () => {
    const table: string[] = [];
    for (const who of ['viewer', 'share'] as const) {
      for (const [name, route] of reads(w)) table.push(`${who} ${name}: ${(await request(w.agent, 'GET', route, { token: w.tokens[who] })).status}`);
    }
    expect(table).toEqual([
      ...reads(w).map(([name]) => `viewer ${name}: 200`),
      ...reads(w).map(([name]) => `share ${name}: ${name.startsWith('session') ? 200 : 403}`),
    ]);
    // Above the session's cwd, a share link finds nothing, though it is inside the root.
    const up = await request(w.agent, 'GET', `/api/sessions/${w.session}/files?path=${encodeURIComponent(w.box.root)}`, { token: w.tokens.share });
    expect([up.status, up.json.error.code]).toEqual([403, 'TF_ERR_OUTSIDE_ROOTS']);
    const top = await request(w.agent, 'GET', `/api/sessions/${w.session}/files/download?path=${encodeURIComponent(path.join(w.box.root, 'top.txt'))}`, { token: w.tokens.share });
    expect(top.status).toBe(403);
    // The viewer reaches the parent; the listing of the cwd says it has none for the share link.
    expect((await request(w.agent, 'GET', `/api/sessions/${w.session}/files`, { token: w.tokens.share })).json.parent).toBeNull();
    expect((await request(w.agent, 'GET', `/api/sessions/${w.session}/files`, { token: w.tokens.viewer })).json.parent).toBe(w.box.root);
  });

  test('reading on does not let viewers or share links write; delete is off for everyone', async () => {
    for (const who of ['viewer', 'share'] as const) {
      for (const what of WRITES) expect(`${who} ${what}: ${(await write(w, who, what, 100)).status}`).toBe(`${who} ${what}: 403`);
    }
    const refused = await write(w, 'admin', 'delete', 200);
    expect([refused.status, refused.json.error.code]).toEqual([403, 'TF_ERR_DELETE_DISABLED']);
    expect(existsSync(path.join(w.box.root, 'gone-admin-200'))).toBe(true);
  });
});
