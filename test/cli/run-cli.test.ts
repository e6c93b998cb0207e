import path from 'node:path';
import { runCli } from '../../src/cli/main';
import { VERSION } from '../../src/agent/version';
import { DEMO_PLUGIN, requireBuild, tempProject, type TempProject } from '../config/temp-project';
import { captureIo } from './capture-io';

let project: TempProject;
afterEach(() => project?.cleanup());

/** A project with the `demo` plugin package (options `{ greeting: string, count?: int }`) installed. */
function projectWith(config: Record<string, unknown> | string, name = 'tunnelforge.config.json'): TempProject {
  return tempProject({
    'node_modules/tunnelforge-plugin-demo/package.json': JSON.stringify({ name: 'tunnelforge-plugin-demo', version: '1.2.3', main: 'index.js' }),
    'node_modules/tunnelforge-plugin-demo/index.js': DEMO_PLUGIN,
    [name]: typeof config === 'string' ? config : JSON.stringify(config),
  });
}

describe('runCli: help and usage', () => {
  it('--version prints the package version', async () => {
    const cli = captureIo(process.cwd());
    expect(await runCli(['--version'], cli.io)).toBe(0);
    expect(cli.stdout()).toBe(`${VERSION}\n`);
    expect(VERSION).toBe(require('../../package.json').version);
  });

  it('--help lists the commands', async () => {
    const cli = captureIo(process.cwd());
    expect(await runCli(['--help'], cli.io)).toBe(0);
    expect(cli.stdout()).toMatch(/Usage: tunnelforge/);
    for (const command of ['start', 'plugins', 'config']) expect(cli.stdout()).toContain(command);
  });

  it('start --help shows the override flags', async () => {
    const cli = captureIo(process.cwd());
    expect(await runCli(['start', '--help'], cli.io)).toBe(0);
    for (const flag of ['--config', '--host', '--port', '--data-dir', '--log-level']) expect(cli.stdout()).toContain(flag);
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['start', '--port', 'abc'], /--port.*expected an integer/],
    [['--log-level', 'loud'], /Allowed choices are trace/],
    [['plugins', 'ls', '--nope'], /unknown option '--nope'/],
    [['config'], /Usage: tunnelforge config/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const cli = captureIo(process.cwd());
    expect(await runCli(argv, cli.io)).toBe(2);
    expect(cli.stderr()).toMatch(message);
  });
});

describe('runCli: config check', () => {
  it('exits 0 with "config OK (file)" for a good config', async () => {
    project = projectWith({ port: 0, packages: ['tunnelforge-plugin-demo'], plugins: { demo: { options: { greeting: 'yo' } } } });
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'check'], cli.io)).toBe(0);
    expect(cli.stdout()).toBe(`config OK (${path.join(project.dir, 'tunnelforge.config.json')})\n`);
  });

  it('prints every config mistake with its path and code, exit 1', async () => {
    project = projectWith({ port: 'abc', logLevle: 'debug', plugins: { demo: { enabled: 'yes' } } });
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'check'], cli.io)).toBe(1);
    const lines = cli.stdout().trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'TF_ERR_CONFIG_INVALID port: expected number, received string',
        'TF_ERR_CONFIG_INVALID logLevle: unknown key (did you mean "logLevel"?)',
        'TF_ERR_CONFIG_INVALID plugins.demo.enabled: expected boolean, received string',
      ]),
    );
    expect(lines.at(-1)).toBe(`config has 3 problems (${path.join(project.dir, 'tunnelforge.config.json')})`);
    expect(cli.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('loads the plugins too: reports bad plugin options and unknown plugins', async () => {
    project = projectWith({
      packages: ['tunnelforge-plugin-demo'],
      plugins: { demo: { options: { greeting: 5, count: 1.5 } }, 'no-such-plugin': { enabled: true } },
    });
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'check'], cli.io)).toBe(1);
    const out = cli.stdout();
    expect(out).toMatch(/^TF_ERR_PLUGIN_CONFIG \[demo\].*greeting/m);
    expect(out).toMatch(/^TF_ERR_PLUGIN_CONFIG \[demo\].*count/m);
    expect(out).toMatch(/^TF_ERR_UNKNOWN_PLUGIN \[no-such-plugin\]/m);
    expect(out).toMatch(/config has \d+ problems/);
  });

  it('reports a missing --config file (exit 1)', async () => {
    project = tempProject();
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'check', '--config', 'missing.ts'], cli.io)).toBe(1);
    expect(cli.stdout()).toContain(`TF_ERR_CONFIG_NOT_FOUND config file not found: ${path.join(project.dir, 'missing.ts')}`);
  });

  it('names a malformed environment variable', async () => {
    project = projectWith({});
    const cli = captureIo(project.dir, { TUNNELFORGE_PORT: 'abc' });
    expect(await runCli(['config', 'check'], cli.io)).toBe(1);
    expect(cli.stdout()).toContain('TF_ERR_CONFIG_INVALID port: expected number, received string (from TUNNELFORGE_PORT="abc")');
  });

  it('checks a TypeScript config written with defineConfig', async () => {
    requireBuild();
    project = projectWith(
      `import { defineConfig } from 'tunnelforge';\nexport default defineConfig({ port: 0, logLevel: 'warn' });\n`,
      'tunnelforge.config.ts',
    );
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'check'], cli.io)).toBe(0);
    expect(cli.stdout()).toContain('config OK');
  });
});

describe('runCli: config schema', () => {
  it('prints the JSON Schema with each discovered plugin\'s options', async () => {
    project = projectWith({ packages: ['tunnelforge-plugin-demo'] });
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'schema'], cli.io)).toBe(0);
    const schema = JSON.parse(cli.stdout());
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const plugins = schema.properties.plugins.properties;
    expect(plugins.demo.properties.options).toMatchObject({
      type: 'object',
      properties: { greeting: { type: 'string', default: 'hi' }, count: { type: 'integer' } },
    });
    expect(plugins).toHaveProperty('power-noop'); // builtins are there too
  });

  it('still prints a schema (builtins only) when the config is invalid', async () => {
    project = projectWith({ port: 'abc', packages: ['tunnelforge-plugin-demo'] });
    const cli = captureIo(project.dir);
    expect(await runCli(['config', 'schema'], cli.io)).toBe(0);
    expect(JSON.parse(cli.stdout()).properties.plugins.properties).toHaveProperty('power-noop');
    expect(cli.stderr()).toMatch(/invalid config.*built-in plugins only/);
  });
});
