import { definePlugin, PowerManager, ProcessRunner, RefCountedPowerManager, z } from 'tunnelforge/plugin';
import { ExecutionStateBackend } from './execution-state-backend';

const configSchema = z.object({
  /** Also keep the display on (ES_DISPLAY_REQUIRED). */
  keepDisplayOn: z.boolean().default(false),
});

/**
 * Keeps Windows awake with SetThreadExecutionState. The flag is per thread, so a small PowerShell
 * child holds it (and is killed to release); no native module is needed.
 */
export default definePlugin({
  id: 'power-windows',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Keeps Windows awake with SetThreadExecutionState',
  platforms: ['win32'],
  provides: [PowerManager],
  config: configSchema,
  detect: async ({ which }) => ((await which('powershell')) || (await which('pwsh')) ? true : 'neither powershell nor pwsh found on PATH'),
  register(reg, config) {
    reg.provide(PowerManager, {
      deps: { processes: ProcessRunner },
      create: ({ processes }) => new RefCountedPowerManager(new ExecutionStateBackend(processes, config.keepDisplayOn)),
    });
  },
  async deactivate(ctx) {
    const power = ctx.tryGet(PowerManager);
    if (power instanceof RefCountedPowerManager) await power.releaseAll();
  },
});
