import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/kernel/config/config-error';
import { loadConfig } from '../../src/kernel/config/load-config';
import { requireBuild, tempProject, type TempProject } from './temp-project';

const HOME = path.join(os.tmpdir(), 'tf-fake-home');
const env = (extra: Record<string, string> = {}) => ({ HOME, ...extra });

let project: TempProject;
afterEach(() => project?.cleanup());

/** The ConfigError `promise` rejects with. */
async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig: formats', () => {
  beforeAll(requireBuild);

  const cases: Array<[string, string]> = [
    ['tunnelforge.config.ts', `import { defineConfig } from 'tunnelforge';\nconst port: number = 5101;\nexport default defineConfig({ port, host: '0.0.0.0' });\n`],
    ['tunnelforge.config.mts', `import { defineConfig } from 'tunnelforge';\nexport default defineConfig({ port: 5101, host: '0.0.0.0' });\n`],
    ['tunnelforge.config.cts', `const port: number = 5101;\nmodule.exports = { port, host: '0.0.0.0' };\n`],
    ['tunnelforge.config.js', `module.exports = { port: 5101, host: '0.0.0.0' };\n`],
    ['tunnelforge.config.mjs', `export default { port: 5101, host: '0.0.0.0' };\n`],
    ['tunnelforge.config.cjs', `module.exports = { port: 5101, host: '0.0.0.0' };\n`],
    ['tunnelforge.config.json', `{ "port": 5101, "host": "0.0.0.0" }\n`],
    ['tunnelforge.config.yaml', `port: 5101\nhost: 0.0.0.0\n`],
    ['tunnelforge.config.yml', `port: 5101\nhost: 0.0.0.0\n`],
    ['.tunnelforgerc', `port: 5101\nhost: 0.0.0.0\n`],
    ['.tunnelforgerc.json', `{ "port": 5101, "host": "0.0.0.0" }`],
    ['.tunnelforgerc.ts', `export default { port: 5101, host: '0.0.0.0' } satisfies Record<string, unknown>;\n`],
    ['.config/tunnelforgerc.yaml', `port: 5101\nhost: 0.0.0.0\n`],
    ['package.json', JSON.stringify({ name: 'app', tunnelforge: { port: 5101, host: '0.0.0.0' } })],
  ];

  it.each(cases)('finds and loads %s', async (name, content) => {
    project = tempProject({ [name]: content });
    const { config, filepath } = await loadConfig({ cwd: project.dir, env: env() });
    expect(filepath).toBe(path.join(project.dir, name));
    expect(config.port).toBe(5101);
    expect(config.host).toBe('0.0.0.0');
    expect(config.logLevel).toBe('info'); // defaults applied
  });

  it('searches upward from a subdirectory of the project', async () => {
    project = tempProject({ 'tunnelforge.config.json': '{ "port": 5102 }', 'src/deep/keep.txt': '' });
    const { config, filepath } = await loadConfig({ cwd: path.join(project.dir, 'src/deep'), env: env() });
    expect(filepath).toBe(path.join(project.dir, 'tunnelforge.config.json'));
    expect(config.port).toBe(5102);
  });

  it('accepts a default export that is a function (sync or async) returning the config', async () => {
    project = tempProject({
      'tunnelforge.config.ts': `import { defineConfig } from 'tunnelforge';\nexport default async () => defineConfig({ port: 5103 });\n`,
    });
    expect((await loadConfig({ cwd: project.dir, env: env() })).config.port).toBe(5103);
  });

  it('reloads a changed file (no caching between calls)', async () => {
    project = tempProject({ 'tunnelforge.config.ts': `export default { port: 5104 };\n` });
    expect((await loadConfig({ cwd: project.dir, env: env() })).config.port).toBe(5104);
    project.write('tunnelforge.config.ts', `export default { port: 5105 };\n`);
    expect((await loadConfig({ cwd: project.dir, env: env() })).config.port).toBe(5105);
  });

  it('uses defaults when no config file exists', async () => {
    project = tempProject();
    const { config, filepath } = await loadConfig({ cwd: project.dir, env: env() });
    expect(filepath).toBeNull();
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4020, logLevel: 'info', plugins: {}, packages: [] });
  });

  it('treats an empty file found by --config as an empty config', async () => {
    project = tempProject({ 'empty.yaml': '' });
    const { config } = await loadConfig({ cwd: project.dir, env: env(), configPath: 'empty.yaml' });
    expect(config.port).toBe(4020);
  });
});

describe('loadConfig: --config', () => {
  it('loads exactly the given file, relative to cwd, ignoring the searched ones', async () => {
    project = tempProject({ 'tunnelforge.config.json': '{ "port": 5201 }', 'conf/other.yaml': 'port: 5202\n' });
    const { config, filepath } = await loadConfig({ cwd: project.dir, env: env(), configPath: 'conf/other.yaml' });
    expect(filepath).toBe(path.join(project.dir, 'conf/other.yaml'));
    expect(config.port).toBe(5202);
  });

  it('fails with TF_ERR_CONFIG_NOT_FOUND naming the missing file', async () => {
    project = tempProject();
    const error = await configError(loadConfig({ cwd: project.dir, env: env(), configPath: 'nope.ts' }));
    expect(error.code).toBe('TF_ERR_CONFIG_NOT_FOUND');
    expect(error.message).toContain(path.join(project.dir, 'nope.ts'));
  });

  it('refuses a directory', async () => {
    project = tempProject({ 'sub/x.txt': '' });
    const error = await configError(loadConfig({ cwd: project.dir, env: env(), configPath: 'sub' }));
    expect(error.code).toBe('TF_ERR_CONFIG_NOT_FOUND');
  });

  it.each([
    ['bad.yaml', 'port: [1\nhost: x\n', /missed comma/],
    ['bad.json', '{ "port": 1, }', /JSON/],
    ['bad.ts', 'export default { port: ;\n', /Unexpected token/],
    ['throws.ts', 'export default () => { throw new Error("boom from config"); };\n', /boom from config/],
  ])('reports %s that cannot be loaded as TF_ERR_CONFIG_LOAD with a one-line reason', async (name, content, reason) => {
    project = tempProject({ [name]: content });
    const error = await configError(loadConfig({ cwd: project.dir, env: env(), configPath: name }));
    expect(error.code).toBe('TF_ERR_CONFIG_LOAD');
    expect(error.filepath).toBe(path.join(project.dir, name));
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('\n');
  });
});

describe('loadConfig: validation', () => {
  it('reports every mistake with its path, not just the first', async () => {
    project = tempProject({
      'tunnelforge.config.ts': `export default {
        port: 'abc',
        logLevle: 'debug',
        plugins: { 'tunnel-ngrok': { enabled: 'yes' } },
      };\n`,
    });
    const error = await configError(loadConfig({ cwd: project.dir, env: env() }));
    expect(error.code).toBe('TF_ERR_CONFIG_INVALID');
    expect(error.filepath).toBe(path.join(project.dir, 'tunnelforge.config.ts'));
    expect(error.issues).toHaveLength(3);
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'port', message: 'expected number, received string' },
        { path: 'logLevle', message: 'unknown key (did you mean "logLevel"?)' },
        { path: 'plugins.tunnel-ngrok.enabled', message: 'expected boolean, received string' },
      ]),
    );
    expect(error.message).toContain('3 problems');
  });

  it('names array elements by index and reports a non-object config', async () => {
    project = tempProject({ 'a.json': '{ "packages": ["ok", ""] }', 'b.json': '[1, 2]' });
    const a = await configError(loadConfig({ cwd: project.dir, env: env(), configPath: 'a.json' }));
    expect(a.issues.map((i) => i.path)).toEqual(['packages[1]']);
    const b = await configError(loadConfig({ cwd: project.dir, env: env(), configPath: 'b.json' }));
    expect(b.issues).toEqual([{ path: '', message: 'expected the config to be an object, received array' }]);
  });
});

describe('loadConfig: precedence defaults < file < env < flags', () => {
  beforeEach(() => {
    project = tempProject({ 'tunnelforge.config.json': JSON.stringify({ port: 5301, host: 'file-host', logLevel: 'warn' }) });
  });

  it('environment overrides the file', async () => {
    const { config } = await loadConfig({
      cwd: project.dir,
      env: env({ TUNNELFORGE_PORT: '5302', TUNNELFORGE_HOST: 'env-host', TUNNELFORGE_LOG_LEVEL: 'debug' }),
    });
    expect(config).toMatchObject({ port: 5302, host: 'env-host', logLevel: 'debug' });
  });

  it('flags override the environment', async () => {
    const { config } = await loadConfig({
      cwd: project.dir,
      env: env({ TUNNELFORGE_PORT: '5302', TUNNELFORGE_HOST: 'env-host' }),
      overrides: { port: 5303, host: undefined },
    });
    expect(config).toMatchObject({ port: 5303, host: 'env-host', logLevel: 'warn' });
  });

  it('ignores empty environment variables', async () => {
    const { config } = await loadConfig({ cwd: project.dir, env: env({ TUNNELFORGE_PORT: '' }) });
    expect(config.port).toBe(5301);
  });

  it('names the variable when an environment value is malformed, and still reports file mistakes', async () => {
    project.write('tunnelforge.config.json', JSON.stringify({ port: 5301, shutdownTimeoutMs: -1 }));
    const error = await configError(
      loadConfig({ cwd: project.dir, env: env({ TUNNELFORGE_PORT: 'abc', TUNNELFORGE_LOG_LEVEL: 'loud' }) }),
    );
    expect(error.code).toBe('TF_ERR_CONFIG_INVALID');
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path, i.message]));
    expect(byPath.port).toBe('expected number, received string (from TUNNELFORGE_PORT="abc")');
    expect(byPath.logLevel).toContain('TUNNELFORGE_LOG_LEVEL="loud"');
    expect(byPath.shutdownTimeoutMs).toBeDefined();
    expect(error.issues).toHaveLength(3);
  });

  it('names the flag when a flag value is invalid', async () => {
    const error = await configError(
      loadConfig({ cwd: project.dir, env: env(), overrides: { port: 70000 }, overrideLabels: { port: '--port' } }),
    );
    expect(error.issues).toEqual([{ path: 'port', message: expect.stringContaining('(from --port)') }]);
  });
});

describe('loadConfig: dataDir', () => {
  it('expands ~ to the home directory', async () => {
    project = tempProject({ 'tunnelforge.config.json': '{ "dataDir": "~/tf-state" }' });
    const { config } = await loadConfig({ cwd: project.dir, env: env() });
    expect(config.dataDir).toBe(path.join(HOME, 'tf-state'));
  });

  it('defaults to ~/.tunnelforge', async () => {
    project = tempProject();
    expect((await loadConfig({ cwd: project.dir, env: env() })).config.dataDir).toBe(path.join(HOME, '.tunnelforge'));
  });

  it('resolves a relative dataDir from the config file against the file\'s directory', async () => {
    project = tempProject({ 'conf/tunnelforge.config.json': '{ "dataDir": "./state" }' });
    const { config } = await loadConfig({ cwd: project.dir, env: env(), configPath: 'conf/tunnelforge.config.json' });
    expect(config.dataDir).toBe(path.join(project.dir, 'conf/state'));
  });

  it('resolves a relative dataDir from the environment against cwd', async () => {
    project = tempProject({ 'conf/tunnelforge.config.json': '{}', 'work/x.txt': '' });
    const { config } = await loadConfig({
      cwd: path.join(project.dir, 'work'),
      env: env({ TUNNELFORGE_DATA_DIR: 'state' }),
      configPath: '../conf/tunnelforge.config.json',
    });
    expect(config.dataDir).toBe(path.join(project.dir, 'work/state'));
  });
});
