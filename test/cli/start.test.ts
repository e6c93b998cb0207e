import path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { AgentHandle } from '../../src/cli/cli-io';
import { BootError, type PluginReport } from '../../src/kernel/kernel';
import { tempProject, type TempProject } from '../config/temp-project';
import { captureIo, waitFor } from './capture-io';

let project: TempProject;
beforeEach(() => {
  project = tempProject({ 'tunnelforge.config.json': JSON.stringify({ port: 0, dataDir: './state', shutdownTimeoutMs: 200 }) });
});
afterEach(() => project.cleanup());

const report = (id: string, state: PluginReport['state'], reason: string | null = null): PluginReport => ({
  id, package: null, source: 'builtin', version: null, description: null, state, reason, required: false, provides: [], requires: [],
});

/** A fake agent whose start/stop behave as told. */
function fakeAgent(options: { start?: () => Promise<void>; stop?: () => Promise<void>; degraded?: boolean } = {}) {
  const calls: string[] = [];
  const agent: AgentHandle = {
    degraded: options.degraded ?? false,
    load: async () => undefined,
    report: () => [report('power-noop', 'active'), report('monitor-x', options.degraded ? 'failed' : 'active', options.degraded ? 'boom' : null)],
    problems: () => [],
    definitions: () => [],
    start: async () => {
      calls.push('start');
      await options.start?.();
    },
    stop: async (reason?: string) => {
      calls.push(`stop:${reason}`);
      await options.stop?.();
    },
  };
  return { agent, calls };
}

describe('tunnelforge start (fake agent)', () => {
  it('starts, logs the active plugins in one line, and stops gracefully on SIGINT with exit 0', async () => {
    const { agent, calls } = fakeAgent();
    let received: Parameters<NonNullable<import('../../src/cli/cli-io').CliIo['createAgent']>>[0] | undefined;
    const cli = captureIo(project.dir, {}, { createAgent: (options) => ((received = options), agent) });
    const run = runCli(['start', '--port', '5999', '--log-level', 'info'], cli.io);
    await waitFor(() => cli.stdout().includes(' ready'));
    const line = cli.logLines().find((l) => String(l.msg).includes(' ready'))!;
    expect(line.msg).toMatch(/active plugins: power-noop, monitor-x$/);
    expect(line.active).toEqual(['power-noop', 'monitor-x']);
    expect(received?.config.port).toBe(5999);
    expect(received?.configDir).toBe(project.dir);
    expect(received?.config.dataDir).toBe(path.join(project.dir, 'state'));

    cli.signal('SIGINT');
    expect(await run).toBe(0);
    expect(calls).toEqual(['start', 'stop:SIGINT']);
    expect(cli.exits).toEqual([]);
    expect(cli.listenerCount()).toBe(0);
  });

  it('says when it runs degraded', async () => {
    const { agent } = fakeAgent({ degraded: true });
    const cli = captureIo(project.dir, {}, { createAgent: () => agent });
    const run = runCli([], cli.io); // start is the default command
    await waitFor(() => cli.stdout().includes('degraded'));
    expect(cli.logLines().find((l) => l.level === 'warn')?.msg).toBe('running degraded: monitor-x (boom)');
    cli.signal('SIGTERM');
    expect(await run).toBe(0);
  });

  it('prints every boot problem and exits 1 on BootError', async () => {
    const { agent, calls } = fakeAgent({
      start: async () => {
        throw new BootError([
          { code: 'TF_ERR_MISSING_CAPABILITY', plugin: 'tunnel-ngrok', message: 'requires ProcessRunner' },
          { code: 'TF_ERR_PLUGIN_CONFIG', plugin: 'demo', message: 'expected string', path: 'plugins.demo.options.greeting' },
        ]);
      },
    });
    const cli = captureIo(project.dir, {}, { createAgent: () => agent });
    expect(await runCli(['start'], cli.io)).toBe(1);
    expect(cli.stderr()).toBe(
      'tunnelforge: cannot start: 2 problems\n' +
        '  TF_ERR_MISSING_CAPABILITY [tunnel-ngrok] requires ProcessRunner\n' +
        '  TF_ERR_PLUGIN_CONFIG [demo] plugins.demo.options.greeting: expected string\n',
    );
    expect(calls).toEqual(['start', 'stop:boot failed']);
    expect(cli.listenerCount()).toBe(0);
  });

  it('prints an unexpected start failure as one line (no stack), exit 1; with a stack at debug', async () => {
    const failing = () => fakeAgent({ start: async () => Promise.reject(new Error('port in use')) }).agent;
    const quiet = captureIo(project.dir, {}, { createAgent: failing });
    expect(await runCli(['start'], quiet.io)).toBe(1);
    expect(quiet.stderr()).toBe('tunnelforge: port in use\n');

    const verbose = captureIo(project.dir, {}, { createAgent: failing });
    expect(await runCli(['start', '--log-level', 'debug'], verbose.io)).toBe(1);
    expect(verbose.stderr()).toMatch(/^tunnelforge: port in use\nError: port in use\n\s+at /);
  });

  it('forces exit 1 when shutdown passes config.shutdownTimeoutMs', async () => {
    const { agent } = fakeAgent({ stop: () => new Promise(() => undefined) });
    const cli = captureIo(project.dir, {}, { createAgent: () => agent });
    const run = runCli(['start'], cli.io);
    await waitFor(() => cli.stdout().includes(' ready'));
    cli.signal('SIGTERM');
    expect(await run).toBe(1);
    expect(cli.exits).toEqual([1]);
    expect(cli.logLines().some((l) => String(l.msg).includes('did not finish in time'))).toBe(true);
  });

  it('forces exit 1 on a second signal during shutdown', async () => {
    const { agent, calls } = fakeAgent({ stop: () => new Promise(() => undefined) });
    const cli = captureIo(project.dir, {}, { createAgent: () => agent });
    const run = runCli(['start'], cli.io);
    await waitFor(() => cli.stdout().includes(' ready'));
    cli.signal('SIGINT');
    cli.signal('SIGINT');
    expect(await run).toBe(1);
    expect(cli.exits).toEqual([1]);
    expect(calls.filter((c) => c.startsWith('stop'))).toHaveLength(1); // stop called once
  });

  it('stops cleanly when a signal arrives while still starting', async () => {
    let release!: () => void;
    const { agent, calls } = fakeAgent({ start: () => new Promise<void>((r) => (release = r)) });
    const cli = captureIo(project.dir, {}, { createAgent: () => agent });
    const run = runCli(['start'], cli.io);
    await waitFor(() => calls.includes('start'));
    cli.signal('SIGTERM');
    release();
    expect(await run).toBe(0);
    expect(cli.stdout()).not.toContain(' ready');
  });

  it('reports config errors before creating the agent', async () => {
    project.write('tunnelforge.config.json', '{ "port": "x" }');
    const created = jest.fn();
    const cli = captureIo(project.dir, {}, { createAgent: created });
    expect(await runCli(['start'], cli.io)).toBe(1);
    expect(created).not.toHaveBeenCalled();
    expect(cli.stderr()).toContain('TF_ERR_CONFIG_INVALID port: expected number, received string');
  });
});

describe('tunnelforge start (real agent)', () => {
  it('boots the built-in plugins and stops on SIGTERM with exit 0', async () => {
    const cli = captureIo(project.dir);
    const run = runCli(['start', '--log-level', 'info'], cli.io);
    await waitFor(() => cli.stdout().includes(' ready') || cli.stderr() !== '', 15000);
    expect(cli.stderr()).toBe('');
    const line = cli.logLines().find((l) => String(l.msg).includes(' ready'))!;
    expect(line.active).toContain('power-noop');
    cli.signal('SIGTERM');
    expect(await run).toBe(0);
  });
});
