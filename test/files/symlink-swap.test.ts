import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Jail } from '../../src/plugins/files/jail';
import type { TestAgent } from '../../src/testkit';
import { makeSandbox, request, startFilesAgent, upload, type Sandbox } from './files-harness';

// A symlink swapped in between the jail's check and the open. First deterministically, at the jail
// (check, swap, open), for the last component (O_NOFOLLOW) and for a directory on the way (the
// descriptor is verified); then as a real race: a separate process flips a path between a file and
// a link to the secret while the agent serves downloads and uploads.

let box: Sandbox;
beforeEach(() => {
  box = makeSandbox('tf-swap-');
});
afterEach(() => box.cleanup());

async function jailOf(root: string): Promise<Jail> {
  return (await Jail.create({ roots: [root], denied: [], home: os.homedir(), allowHardlinkedReads: false })).jail;
}
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'opened', (error: { code?: string }) => error.code ?? String(error));

describe('a symlink swapped in after the check', () => {
  test('the file itself: O_NOFOLLOW refuses the link (TF_ERR_SYMLINK_ESCAPE)', async () => {
    const file = path.join(box.root, 'report.txt');
    writeFileSync(file, 'INSIDE');
    const jail = await jailOf(box.root);
    const checked = await jail.resolve(file);
    renameSync(file, path.join(box.root, 'moved.txt'));
    symlinkSync(box.secret, file);
    expect(await codeOf(jail.openFile(checked))).toBe('TF_ERR_SYMLINK_ESCAPE');
  });

  test('a directory on the way: the opened descriptor is found outside and refused', async () => {
    mkdirSync(path.join(box.root, 'dir'));
    writeFileSync(path.join(box.root, 'dir', 'secret.txt'), 'INSIDE');
    const jail = await jailOf(box.root);
    const checked = await jail.resolve(path.join(box.root, 'dir', 'secret.txt'));
    renameSync(path.join(box.root, 'dir'), path.join(box.root, 'dir-moved'));
    symlinkSync(box.outside, path.join(box.root, 'dir')); // outside/secret.txt is the real secret
    expect(await codeOf(jail.openFile(checked))).toBe('TF_ERR_SYMLINK_ESCAPE');
  });

  test('a directory swapped before it is opened is refused; one swapped after is still the one written to', async () => {
    const dir = path.join(box.root, 'target');
    mkdirSync(dir);
    const jail = await jailOf(box.root);
    const checked = await jail.resolve(dir);
    renameSync(dir, `${dir}-moved`);
    symlinkSync(box.outside, dir);
    expect(await codeOf(jail.openDirectory(checked))).toBe('TF_ERR_SYMLINK_ESCAPE');

    const second = path.join(box.root, 'second');
    mkdirSync(second);
    const opened = await jail.openDirectory(await jail.resolve(second));
    renameSync(second, `${second}-moved`);
    symlinkSync(box.outside, second);
    writeFileSync(opened.at('written.txt'), 'x');
    await opened.close();
    expect(existsSync(path.join(box.outside, 'written.txt'))).toBe(false);
    expect(readFileSync(path.join(`${second}-moved`, 'written.txt'), 'utf8')).toBe('x');
  });
});

describe('racing a process that flips paths between real entries and links out', () => {
  let agent: TestAgent;
  let flipper: ChildProcess;
  afterEach(async () => {
    flipper?.kill('SIGKILL');
    await agent?.stop();
  });

  /**
   * A child process (not the agent's event loop) swapping `target` between a real entry and a link
   * to `link` as fast as it can: a file is rewritten each time, a directory moved aside and back.
   */
  function flip(target: string, kind: 'file' | 'dir', link: string): ChildProcess {
    const script = `
      const fs = require('fs');
      const [target, kind, link] = process.argv.slice(1);
      const tmp = target + '.swap';
      const stash = target + '.stash';
      for (;;) {
        if (kind === 'file') {
          try { fs.rmSync(tmp, { force: true }); fs.symlinkSync(link, tmp); fs.renameSync(tmp, target); } catch {}
          try { fs.writeFileSync(tmp, 'INSIDE'); fs.renameSync(tmp, target); } catch {}
        } else {
          try { fs.renameSync(target, stash); fs.symlinkSync(link, target); } catch {}
          try { fs.unlinkSync(target); fs.renameSync(stash, target); } catch {}
        }
      }`;
    return spawn(process.execPath, ['-e', script, target, kind, link], { stdio: 'ignore' });
  }

  test('downloads never return the secret while the file flips', async () => {
    agent = await startFilesAgent([box.root]);
    const token = await agent.token('writer');
    const target = path.join(box.root, 'flip.txt');
    writeFileSync(target, 'INSIDE');
    flipper = flip(target, 'file', box.secret);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const answer = await request(agent, 'GET', `/api/files/download?path=${encodeURIComponent(target)}`, { token });
      const key = answer.status === 200 ? `200 ${answer.body.toString()}` : `${answer.status} ${answer.json?.error?.code}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      expect(answer.body.toString()).not.toContain('TOP-SECRET');
    }
    // Both sides of the race were hit: served when it was the file, refused when it was the link.
    expect(outcomes.get('200 INSIDE')).toBeGreaterThan(0);
    expect([...outcomes.keys()].filter((key) => !key.startsWith('200')).length).toBeGreaterThan(0);
    for (const key of outcomes.keys()) expect(['200 INSIDE', '200 ', '403 TF_ERR_SYMLINK_ESCAPE', '404 TF_ERR_FILE_NOT_FOUND', '400 TF_ERR_NOT_A_FILE']).toContain(key);
  }, 60_000);

  test('uploads never land outside while the directory flips', async () => {
    agent = await startFilesAgent([box.root]);
    const token = await agent.token('writer');
    const target = path.join(box.root, 'flipdir');
    mkdirSync(target);
    flipper = flip(target, 'dir', box.outside);
    const statuses = new Map<string, number>();
    for (let i = 0; i < 150; i++) {
      const answer = await upload(agent, token, target, [{ name: `f${i}.txt`, data: 'UPLOADED' }]);
      const key = `${answer.status} ${answer.json?.error?.code ?? ''}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    await new Promise((resolve) => {
      flipper.once('exit', resolve);
      flipper.kill('SIGKILL');
    });
    expect(readdirSync(box.outside).sort()).toEqual(['secret.txt']);
    for (const key of statuses.keys()) expect(['201 ', '403 TF_ERR_SYMLINK_ESCAPE', '404 TF_ERR_FILE_NOT_FOUND', '400 TF_ERR_NOT_A_DIRECTORY']).toContain(key);
    expect(statuses.get('403 TF_ERR_SYMLINK_ESCAPE')).toBeGreaterThan(0);
    expect(statuses.get('201 ')).toBeGreaterThan(0);
    // What was accepted is in the real directory (wherever the flipper left it), nowhere else.
    const real = existsSync(`${target}.stash`) ? `${target}.stash` : target;
    const stored = readdirSync(real).filter((name) => name.startsWith('f'));
    expect(stored.length).toBe(statuses.get('201 '));
  }, 60_000);
});
