import { PowerManager, type PluginDefinition } from 'tunnelforge/plugin';
import { SimulatedPlatform, startTestKernel } from 'tunnelforge/testkit';
import powerMacos from '../../../plugins/power-macos/src';
import powerWindows, { setExecutionStateBindingFactory } from '../../../plugins/power-windows/src';
import powerLinux from '../../../src/plugins/power-linux';
import powerNoop from '../../../src/plugins/power-noop';
import { fakeBin, type FakeBin } from '../support/fake-bin';

const ALL: PluginDefinition<any>[] = [powerLinux, powerNoop, powerMacos, powerWindows];

describe('power plugins on simulated platforms', () => {
  let bin: FakeBin;
  beforeAll(() => {
    bin = fakeBin({ 'systemd-inhibit': {}, caffeinate: {} });
  });
  afterAll(() => bin.cleanup());
  beforeEach(() => setExecutionStateBindingFactory(() => ({ setThreadExecutionState: () => 1 })));
  afterEach(() => setExecutionStateBindingFactory());

  it.each([
    ['darwin', 'power-macos', 'caffeinate'],
    ['win32', 'power-windows', 'SetThreadExecutionState'],
    ['linux', 'power-linux', 'systemd-inhibit'],
  ] as const)('on %s, %s activates (%s) and every other power plugin is skipped with a reason', async (platform, expected, backend) => {
    const tk = await startTestKernel({ plugins: ALL, platform: bin.platform(platform) });
    try {
      expect(tk.plugin(expected).state).toBe('active');
      expect(tk.get(PowerManager)?.backend).toBe(backend);
      for (const other of ALL.filter((p) => p.id !== expected && p.id !== 'power-noop')) {
        expect(tk.plugin(other.id)).toMatchObject({ state: 'skipped', reason: expect.stringContaining(`this platform is ${platform}`) });
      }
      expect(tk.plugin('power-noop')).toMatchObject({ state: 'skipped', reason: `fallback not needed: ${expected} provides PowerManager` });
    } finally {
      await tk.stop();
    }
  });

  it('linux without a system bus: power-linux says so and power-noop takes over', async () => {
    const nobus = fakeBin({ 'systemd-inhibit': { FAKE_INHIBIT_MODE: 'nobus' } });
    const tk = await startTestKernel({ plugins: ALL, platform: nobus.platform('linux') });
    try {
      expect(tk.plugin('power-linux')).toMatchObject({ state: 'skipped', reason: 'systemd-inhibit cannot reach the system bus: Failed to connect to bus: No such file or directory' });
      expect(tk.plugin('power-noop').state).toBe('active');
      expect(tk.get(PowerManager)?.backend).toBe('noop');
    } finally {
      await tk.stop();
      nobus.cleanup();
    }
  });

  it('darwin without caffeinate and win32 without koffi or PowerShell fall back to power-noop, saying why', async () => {
    setExecutionStateBindingFactory(() => {
      throw new Error("Cannot find module 'koffi'");
    });
    const empty = { executables: { caffeinate: null, powershell: null, pwsh: null }, searchPath: '' };
    const mac = await startTestKernel({ plugins: ALL, platform: new SimulatedPlatform({ platform: 'darwin', ...empty }) });
    const win = await startTestKernel({ plugins: ALL, platform: new SimulatedPlatform({ platform: 'win32', ...empty }) });
    try {
      expect(mac.plugin('power-macos')).toMatchObject({ state: 'skipped', reason: 'caffeinate not found on PATH' });
      expect(mac.plugin('power-noop').state).toBe('active');
      expect(win.plugin('power-windows')).toMatchObject({
        state: 'skipped',
        reason: "koffi cannot call SetThreadExecutionState (Cannot find module 'koffi') and neither powershell nor pwsh is on PATH",
      });
      expect(win.plugin('power-noop').state).toBe('active');
    } finally {
      await mac.stop();
      await win.stop();
    }
  });
});
