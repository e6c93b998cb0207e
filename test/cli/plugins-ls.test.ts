import { runCli } from '../../src/cli/main';
import { DEMO_PLUGIN, tempProject, type TempProject } from '../config/temp-project';
import { captureIo } from './capture-io';

let project: TempProject;
afterEach(() => project?.cleanup());

function projectWith(config: Record<string, unknown>): TempProject {
  return tempProject({
    'node_modules/tunnelforge-plugin-demo/package.json': JSON.stringify({ name: 'tunnelforge-plugin-demo', main: 'index.js' }),
    'node_modules/tunnelforge-plugin-demo/index.js': DEMO_PLUGIN,
    'tunnelforge.config.json': JSON.stringify(config),
  });
}

describe('tunnelforge plugins ls', () => {
  it('--json prints every plugin report as a JSON array', async () => {
    project = projectWith({ packages: ['tunnelforge-plugin-demo'], plugins: { demo: { enabled: false } } });
    const cli = captureIo(project.dir);
    expect(await runCli(['plugins', 'ls', '--json'], cli.io)).toBe(0);
    const reports = JSON.parse(cli.stdout()) as Array<Record<string, unknown>>;
    const byId = Object.fromEntries(reports.map((r) => [r.id, r]));
    expect(byId['power-noop']).toMatchObject({ source: 'builtin', state: 'ready', reason: null, provides: ['PowerManager'] });
    expect(byId.demo).toMatchObject({ package: 'tunnelforge-plugin-demo', state: 'disabled', reason: expect.any(String) });
    for (const report of reports) expect(Object.keys(report)).toEqual(expect.arrayContaining(['id', 'state', 'reason']));
  });

  it('prints a table for humans, with the reason a plugin is not loaded', async () => {
    project = projectWith({ packages: ['tunnelforge-plugin-demo'], plugins: { demo: { enabled: false } } });
    const cli = captureIo(project.dir);
    expect(await runCli(['plugins', 'ls'], cli.io)).toBe(0);
    const lines = cli.stdout().trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+SOURCE\s+VERSION\s+PROVIDES\s+REASON$/);
    expect(lines.find((l) => l.startsWith('power-noop '))).toMatch(/ready\s+builtin/);
    expect(lines.find((l) => l.startsWith('demo '))).toMatch(/disabled\s+tunnelforge-plugin-demo/);
  });

  it('lists load problems on stderr but still exits 0', async () => {
    project = projectWith({ plugins: { ghost: {} } });
    const cli = captureIo(project.dir);
    expect(await runCli(['plugins', 'ls'], cli.io)).toBe(0);
    expect(cli.stderr()).toMatch(/TF_ERR_UNKNOWN_PLUGIN \[ghost\]/);
  });

  it('fails with the config errors when the config is invalid', async () => {
    project = projectWith({ port: -1 });
    const cli = captureIo(project.dir);
    expect(await runCli(['plugins', 'ls', '--json'], cli.io)).toBe(1);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toMatch(/^tunnelforge: invalid config .*1 problem\n {2}TF_ERR_CONFIG_INVALID port: /);
  });
});
