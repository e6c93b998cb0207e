import { defineCapability, definePlugin, type Platform } from 'tunnelforge/plugin';
import { FakeProcessRunner, startTestKernel } from 'tunnelforge/testkit';

const Power = defineCapability<{ name: string }>('test.Power');

function platformPlugin(id: string, platforms: Platform[], activated: string[]) {
  return definePlugin({
    id,
    apiVersion: 1,
    platforms,
    provides: [Power],
    register: (reg) => reg.provide(Power, { create: () => ({ name: id }) }),
    activate: () => void activated.push(id),
  });
}

describe('kernel gating', () => {
  it.each<[Platform, string]>([
    ['darwin', 'power-mac'],
    ['win32', 'power-win'],
    ['linux', 'power-lin'],
  ])('on a simulated %s only %s activates; the others are skipped naming the platform', async (platform, expected) => {
    const activated: string[] = [];
    const plugins = [platformPlugin('power-mac', ['darwin'], activated), platformPlugin('power-win', ['win32'], activated), platformPlugin('power-lin', ['linux'], activated)];
    const tk = await startTestKernel({ plugins, platform });
    expect(activated).toEqual([expected]);
    expect(tk.get(Power)?.name).toBe(expected);
    for (const other of tk.report().filter((r) => r.id !== expected)) {
      expect(other.state).toBe('skipped');
      expect(other.reason).toContain(platform);
    }
    await tk.stop();
  });

  it('never runs any code of a disabled plugin, not even detect', async () => {
    const calls: string[] = [];
    const off = definePlugin({
      id: 'off',
      apiVersion: 1,
      detect: () => (calls.push('detect'), true),
      register: () => void calls.push('register'),
      activate: () => void calls.push('activate'),
      deactivate: () => void calls.push('deactivate'),
    });
    const tk = await startTestKernel({ plugins: [off], config: { plugins: { off: { enabled: false } } } });
    expect(tk.plugin('off')).toMatchObject({ state: 'disabled', reason: expect.stringContaining('plugins.off.enabled') });
    await tk.stop();
    expect(calls).toEqual([]);
  });

  it('skips a plugin whose detect() says no, recording the reason, and runs nothing else of it', async () => {
    const calls: string[] = [];
    const tool = definePlugin({
      id: 'needs-tool',
      apiVersion: 1,
      detect: async ({ which }) => ((await which('definitely-not-installed-tf')) ? true : 'definitely-not-installed-tf not found on PATH'),
      activate: () => void calls.push('activate'),
    });
    const tk = await startTestKernel({ plugins: [tool] });
    expect(tk.plugin('needs-tool')).toMatchObject({ state: 'skipped', reason: 'definitely-not-installed-tf not found on PATH' });
    expect(calls).toEqual([]);
    await tk.stop();
  });

  it('a throwing detect() skips the plugin instead of crashing boot', async () => {
    const bad = definePlugin({ id: 'bad-detect', apiVersion: 1, detect: () => { throw new Error('probe exploded'); } });
    const tk = await startTestKernel({ plugins: [bad] });
    expect(tk.plugin('bad-detect')).toMatchObject({ state: 'skipped', reason: 'detect() failed: probe exploded' });
    await tk.stop();
  });

  it('load() alone gates without activating (what `plugins ls` shows)', async () => {
    const activated: string[] = [];
    const tk = await startTestKernel({ plugins: [platformPlugin('power-lin', ['linux'], activated)], platform: 'linux', start: false });
    expect(tk.plugin('power-lin').state).toBe('ready');
    expect(activated).toEqual([]);
    await tk.stop();
  });

  it('plugins reach core services through the context (fake process runner)', async () => {
    const runner = new FakeProcessRunner().onRun('uname', () => ({ code: 0, signal: null, stdout: 'Darwin\n', stderr: '' }));
    let seen = '';
    const probe = definePlugin({ id: 'probe', apiVersion: 1, activate: async (ctx) => void (seen = (await ctx.processes.run('uname', ['-s'])).stdout.trim()) });
    const tk = await startTestKernel({ plugins: [probe], processes: runner });
    expect(seen).toBe('Darwin');
    expect(runner.runs).toEqual([{ file: 'uname', args: ['-s'] }]);
    await tk.stop();
  });
});
