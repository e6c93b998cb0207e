// `tunnelforge plugin new`: what it writes and what it refuses (the generated package's own tests
// run against the packed agent in test/package/pack-and-scaffold.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { VERSION } from '../../src/agent/version';
import { captureIo } from './capture-io';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(os.tmpdir(), 'tf-plugin-new-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

it('writes a package named tunnelforge-plugin-<name> into ./<name> with the placeholders filled in', async () => {
  const cli = captureIo(cwd);
  expect(await runCli(['plugin', 'new', 'disk-alerts'], cli.io)).toBe(0);
  expect(cli.stdout()).toContain('created tunnelforge-plugin-disk-alerts (plugin id "disk-alerts") in disk-alerts');
  const dir = path.join(cwd, 'disk-alerts');
  for (const file of ['.gitignore', 'README.md', 'package.json', 'src/index.ts', 'test/plugin.test.ts', 'tsconfig.json', 'tsconfig.test.json']) {
    expect(cli.stdout()).toContain(`  ${file}\n`);
    expect(readFileSync(path.join(dir, file), 'utf8')).not.toMatch(/__[A-Z]+__/);
  }
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  expect(pkg).toMatchObject({
    name: 'tunnelforge-plugin-disk-alerts',
    keywords: ['tunnelforge-plugin'],
    peerDependencies: { tunnelforge: `^${VERSION}` },
    devDependencies: { tunnelforge: `^${VERSION}` },
    allowScripts: { 'node-pty': true },
  });
  expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain("id: 'disk-alerts'");
  expect(readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain("defineEvent<{ name: string; by: Actor | null }>('disk-alerts.greeted')");
  expect(JSON.parse(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).compilerOptions).toMatchObject({ module: 'nodenext', moduleResolution: 'nodenext' });
});

it('takes --dir, --tunnelforge and a name that already has the tunnelforge-plugin- prefix (also as `plugins new`)', async () => {
  const cli = captureIo(cwd);
  expect(await runCli(['plugins', 'new', 'tunnelforge-plugin-backup', '--dir', 'pkgs/b', '--tunnelforge', 'file:../tf.tgz'], cli.io)).toBe(0);
  const pkg = JSON.parse(readFileSync(path.join(cwd, 'pkgs/b/package.json'), 'utf8'));
  expect(pkg.name).toBe('tunnelforge-plugin-backup');
  expect(pkg.devDependencies.tunnelforge).toBe('file:../tf.tgz');
});

it.each(['Bad_Name', '1st', 'a--b', 'trailing-', '@scope/x', 'x'.repeat(51)])('refuses the invalid name %j with a clear error and writes nothing', async (name) => {
  const cli = captureIo(cwd);
  expect(await runCli(['plugin', 'new', name, '--dir', 'out'], cli.io)).toBe(1);
  expect(cli.stderr()).toMatch(/^tunnelforge: invalid plugin name ".*": use kebab-case/);
  expect(() => readFileSync(path.join(cwd, 'out/package.json'))).toThrow();
});

it('refuses a directory that exists with something in it, and leaves it alone; an empty one is fine', async () => {
  mkdirSync(path.join(cwd, 'taken'));
  writeFileSync(path.join(cwd, 'taken/notes.txt'), 'mine');
  const cli = captureIo(cwd);
  expect(await runCli(['plugin', 'new', 'taken'], cli.io)).toBe(1);
  expect(cli.stderr()).toContain(`tunnelforge: ${path.join(cwd, 'taken')} already exists and is not empty`);
  expect(readFileSync(path.join(cwd, 'taken/notes.txt'), 'utf8')).toBe('mine');

  mkdirSync(path.join(cwd, 'empty'));
  expect(await runCli(['plugin', 'new', 'empty'], captureIo(cwd).io)).toBe(0);
});
