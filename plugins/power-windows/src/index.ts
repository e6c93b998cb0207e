import { Clock, definePlugin, Logger, PlatformInfo, PowerManager, ProcessRunner, RefCountedPowerManager, z, type PowerBackend } from 'tunnelforge/plugin';
import { loadExecutionStateBinding } from './binding-factory';
import { KoffiExecutionStateBackend } from './koffi-execution-state-backend';
import { PowerShellExecutionStateBackend } from './powershell-execution-state-backend';

export { setExecutionStateBindingFactory } from './binding-factory';
export type { ExecutionStateBinding, ExecutionStateBindingFactory } from './execution-state-binding';
export { ExecutionState } from './execution-state-flags';

const configSchema = z.object({
  /** Also keep the display on (ES_DISPLAY_REQUIRED). */
  keepDisplayOn: z.boolean().default(false),
  /** `auto`: koffi when it loads, else PowerShell. The others force one mechanism. */
  backend: z.enum(['auto', 'koffi', 'powershell']).default('auto'),
});


/**
 * Keeps Windows awake with `SetThreadExecutionState`: called in-process through koffi (an optional
 * dependency) when it loads, else from a kept-alive PowerShell child. Released with ES_CONTINUOUS
 * alone (koffi) or by stopping the child, and at the latest when the agent exits.
 */
export default definePlugin({
  id: 'power-windows',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Keeps Windows awake with SetThreadExecutionState (koffi, or PowerShell as fallback)',
  platforms: ['win32'],
  provides: [PowerManager],
  config: configSchema,
  async detect({ which, config }) {
    const loaded = config.backend === 'powershell' ? { error: 'disabled by config (backend: powershell)' } : loadExecutionStateBinding();
    if ('binding' in loaded) return true;
    if (config.backend === 'koffi') return `koffi cannot call SetThreadExecutionState: ${loaded.error}`;
    if ((await which('powershell')) || (await which('pwsh'))) return true;
    return `koffi cannot call SetThreadExecutionState (${loaded.error}) and neither powershell nor pwsh is on PATH`;
  },
  register(reg, config) {
    reg.provide(PowerManager, {
      deps: { processes: ProcessRunner, platform: PlatformInfo, log: Logger, clock: Clock },
      create: ({ processes, platform, log, clock }) => {
        const loaded = config.backend === 'powershell' ? null : loadExecutionStateBinding();
        let backend: PowerBackend;
        if (loaded && 'binding' in loaded) backend = new KoffiExecutionStateBackend(loaded.binding, config.keepDisplayOn);
        else {
          if (loaded) log.info('koffi unavailable; holding the execution state from a PowerShell child instead', { reason: loaded.error });
          backend = new PowerShellExecutionStateBackend(processes, platform, config.keepDisplayOn);
        }
        return new RefCountedPowerManager(backend, clock);
      },
    });
  },
  deactivate: (ctx) => RefCountedPowerManager.releaseActive(ctx),
});
