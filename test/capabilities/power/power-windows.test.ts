import { PowerManager } from 'tunnelforge/plugin';
import { startTestKernel } from 'tunnelforge/testkit';
import powerWindows, { setExecutionStateBindingFactory } from '../../../plugins/power-windows/src';
import { loadExecutionStateBinding } from '../../../plugins/power-windows/src/binding-factory';
import { loadKoffiBinding } from '../../../plugins/power-windows/src/koffi-binding';
import { fakeBin } from '../support/fake-bin';
import { processAlive } from '../support/process-alive';
import { waitFor } from '../support/wait-for';

describe('power-windows', () => {
  afterEach(() => setExecutionStateBindingFactory());

  it('calls SetThreadExecutionState with ES_CONTINUOUS|ES_SYSTEM_REQUIRED to hold and ES_CONTINUOUS alone to release', async () => {
    const calls: string[] = [];
    setExecutionStateBindingFactory(() => ({ setThreadExecutionState: (flags) => (calls.push(flags.toString(16)), 0x80000000) }));
    const tk = await startTestKernel({ plugins: [powerWindows], platform: 'win32' });
    const power = tk.get(PowerManager)!;
    expect(power.backend).toBe('SetThreadExecutionState');
    const hold = await power.preventSleep('test');
    await hold.release();
    const again = await power.preventSleep('until shutdown');
    void again;
    await tk.stop();
    expect(calls).toEqual(['80000001', '80000000', '80000001', '80000000']);
  });

  it('adds ES_DISPLAY_REQUIRED with keepDisplayOn', async () => {
    const calls: number[] = [];
    setExecutionStateBindingFactory(() => ({ setThreadExecutionState: (flags) => (calls.push(flags), 1) }));
    const tk = await startTestKernel({ plugins: [powerWindows], platform: 'win32', config: { plugins: { 'power-windows': { options: { keepDisplayOn: true } } } } });
    await tk.get(PowerManager)!.preventSleep('display');
    await tk.stop();
    expect(calls).toEqual([0x80000003, 0x80000000]);
  });

  it('reports a failing call (returns 0) as a status error instead of claiming to hold', async () => {
    setExecutionStateBindingFactory(() => ({ setThreadExecutionState: () => 0 }));
    const tk = await startTestKernel({ plugins: [powerWindows], platform: 'win32' });
    await tk.get(PowerManager)!.preventSleep('doomed');
    expect(tk.get(PowerManager)!.status()).toMatchObject({ held: false, error: 'SetThreadExecutionState failed (returned 0)' });
    await tk.stop();
  });

  it('the real koffi loads lazily and, off Windows, fails with a reason instead of crashing', () => {
    expect(() => loadKoffiBinding()).toThrow();
    const loaded = loadExecutionStateBinding();
    expect('error' in loaded && loaded.error.length > 0).toBe(true);
  });

  it('falls back to a kept-alive PowerShell child when koffi cannot load, and stops it to release', async () => {
    const bin = fakeBin({ powershell: {} });
    // The real factory: on this Linux host koffi loads but kernel32.dll does not.
    const tk = await startTestKernel({ plugins: [powerWindows], platform: bin.platform('win32') });
    try {
      const power = tk.get(PowerManager)!;
      expect(power.backend).toBe('SetThreadExecutionState/powershell');
      expect(tk.logger.messages('info')).toContain('koffi unavailable; holding the execution state from a PowerShell child instead');
      const hold = await power.preventSleep('fallback');
      expect(power.status().held).toBe(true);
      const [start] = bin.starts('powershell');
      expect(start.line).toContain('SetThreadExecutionState([uint32]2147483649)');
      expect(start.line).toContain(`Wait-Process -Id ${process.pid}`);
      expect(processAlive(start.pid)).toBe(true);
      await hold.release();
      await waitFor(() => !processAlive(start.pid), 'the PowerShell child to be gone');
    } finally {
      await tk.stop();
      bin.cleanup();
    }
  });

  it('backend: koffi refuses to fall back and says why', async () => {
    setExecutionStateBindingFactory(() => {
      throw new Error('no koffi here');
    });
    const tk = await startTestKernel({ plugins: [powerWindows], platform: 'win32', config: { plugins: { 'power-windows': { options: { backend: 'koffi' } } } } });
    expect(tk.plugin('power-windows')).toMatchObject({ state: 'skipped', reason: 'koffi cannot call SetThreadExecutionState: no koffi here' });
    await tk.stop();
  });
});
