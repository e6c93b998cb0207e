import { PowerManager } from 'tunnelforge/plugin';
import { describePowerManagerContract, startTestKernel } from 'tunnelforge/testkit';
import powerMacos from '../../../plugins/power-macos/src';
import powerWindows, { ExecutionState, setExecutionStateBindingFactory } from '../../../plugins/power-windows/src';
import powerLinux from '../../../src/plugins/power-linux';
import powerNoop from '../../../src/plugins/power-noop';
import { fakeBin, type FakeTool } from '../support/fake-bin';
import { processAlive } from '../support/process-alive';

const HOLD_FLAGS = (ExecutionState.ES_CONTINUOUS | ExecutionState.ES_SYSTEM_REQUIRED) >>> 0;

/** A kernel with one power plugin on a simulated platform whose PATH holds only `tool`'s fake. */
function processBacked(plugin: Parameters<typeof startTestKernel>[0]['plugins'][number], platform: 'linux' | 'darwin' | 'win32', tool: FakeTool) {
  return async () => {
    const bin = fakeBin({ [tool]: {} });
    const tk = await startTestKernel({ plugins: [plugin], platform: bin.platform(platform) });
    const power = tk.get(PowerManager);
    if (!power) throw new Error(`${plugin.id} did not activate: ${tk.plugin(plugin.id).reason}`);
    return {
      power,
      // The OS-level hold is the fake's child process: alive exactly while held.
      backendHolds: () => bin.pids(tool).some(processAlive),
      cleanup: async () => {
        await tk.stop();
        bin.cleanup();
      },
    };
  };
}

describePowerManagerContract('power-noop', async () => {
  const tk = await startTestKernel({ plugins: [powerNoop] });
  return { power: tk.get(PowerManager)!, cleanup: () => tk.stop() };
});

describePowerManagerContract('power-linux (fake systemd-inhibit)', processBacked(powerLinux, 'linux', 'systemd-inhibit'));

describePowerManagerContract('power-macos (simulated darwin, fake caffeinate)', processBacked(powerMacos, 'darwin', 'caffeinate'));

describePowerManagerContract('power-windows (simulated win32, fake koffi binding)', async () => {
  const calls: number[] = [];
  setExecutionStateBindingFactory(() => ({ setThreadExecutionState: (flags) => (calls.push(flags), 0x80000000) }));
  const tk = await startTestKernel({ plugins: [powerWindows], platform: 'win32' });
  return {
    power: tk.get(PowerManager)!,
    backendHolds: () => calls.at(-1) === HOLD_FLAGS,
    cleanup: async () => {
      await tk.stop();
      setExecutionStateBindingFactory();
    },
  };
});

describePowerManagerContract(
  'power-windows (PowerShell fallback when koffi cannot load)',
  async () => {
    setExecutionStateBindingFactory(() => {
      throw new Error('Cannot find module koffi');
    });
    const inner = await processBacked(powerWindows, 'win32', 'powershell')();
    return {
      ...inner,
      cleanup: async () => {
        await inner.cleanup();
        setExecutionStateBindingFactory();
      },
    };
  },
);
