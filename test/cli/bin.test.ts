import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, requireBuild, tempProject, type TempProject } from '../config/temp-project';

const BIN = path.join(REPO_ROOT, 'bin/tunnelforge.js');

let project: TempProject;
beforeAll(requireBuild);
afterEach(() => project?.cleanup());

describe('bin/tunnelforge.js (real process, needs npm run build)', () => {
  it('config check --config bad.ts exits 1 and prints every mistake, without a stack trace', () => {
    project = tempProject({
      'bad.ts': `import { defineConfig } from 'tunnelforge';\n// @ts-expect-error wrong on purpose\nexport default defineConfig({ port: 'abc', hots: 'x', plugins: { demo: { enabled: 'yes' } } });\n`,
    });
    const result = spawnSync(process.execPath, [BIN, 'config', 'check', '--config', 'bad.ts'], {
      cwd: project.dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: project.dir },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('TF_ERR_CONFIG_INVALID port: expected number, received string');
    expect(result.stdout).toContain('TF_ERR_CONFIG_INVALID hots: unknown key (did you mean "host"?)');
    expect(result.stdout).toContain('TF_ERR_CONFIG_INVALID plugins.demo.enabled: expected boolean, received string');
    expect(result.stdout).toContain(`config has 3 problems (${path.join(project.dir, 'bad.ts')})`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('start runs until SIGTERM, then exits 0 after a graceful stop', async () => {
    project = tempProject({ 'tunnelforge.config.json': JSON.stringify({ port: 0, dataDir: './state', logFormat: 'json' }) });
    const child = spawn(process.execPath, [BIN, 'start'], { cwd: project.dir, env: { PATH: process.env.PATH, HOME: project.dir } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15000;
    while (!out.includes(' ready') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(err).toBe('');
    expect(out).toContain(' ready');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('"msg":"stopping"');
  });
});
