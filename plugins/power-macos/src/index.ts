import { Clock, definePlugin, PlatformInfo, PowerManager, ProcessHoldBackend, ProcessRunner, RefCountedPowerManager, requireExecutable, z } from 'tunnelforge/plugin';

const configSchema = z.object({
  /** caffeinate assertion flags: -i idle sleep, -m disk idle, -s system sleep (on AC only), -d display sleep, -u user active. */
  flags: z.array(z.enum(['-i', '-m', '-s', '-d', '-u'])).default(['-i', '-m', '-s']),
});


/**
 * Keeps a Mac awake with `caffeinate`, tied to the agent's pid so it can never outlive the agent.
 * Like any assertion, it does not keep a closed MacBook awake on battery (clamshell sleep).
 */
export default definePlugin({
  id: 'power-macos',
  apiVersion: 1,
  version: '0.1.0',
  description: 'Keeps macOS awake with caffeinate',
  platforms: ['darwin'],
  provides: [PowerManager],
  config: configSchema,
  detect: async ({ which }) => ((await which('caffeinate')) ? true : 'caffeinate not found on PATH'),
  register(reg, config) {
    reg.provide(PowerManager, {
      deps: { processes: ProcessRunner, platform: PlatformInfo, clock: Clock },
      create: ({ processes, platform, clock }) => {
        // -w: caffeinate exits by itself if the agent dies, so no assertion is ever orphaned.
        const backend = new ProcessHoldBackend('caffeinate', processes, async () => [
          await requireExecutable(platform, 'caffeinate'), ...config.flags, '-w', String(process.pid),
        ]);
        return new RefCountedPowerManager(backend, clock);
      },
    });
  },
  deactivate: (ctx) => RefCountedPowerManager.releaseActive(ctx),
});
