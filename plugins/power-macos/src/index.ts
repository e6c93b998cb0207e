import { definePlugin, PowerManager, ProcessHoldBackend, ProcessRunner, RefCountedPowerManager, z } from 'tunnelforge/plugin';

const configSchema = z.object({
  /** caffeinate assertion flags: -i idle sleep, -m disk idle, -s system sleep on AC, -d display sleep. */
  flags: z.array(z.enum(['-i', '-m', '-s', '-d', '-u'])).default(['-i', '-m', '-s']),
});

/** Keeps a Mac awake with `caffeinate`, tied to the agent's pid so it can never outlive the agent. */
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
      deps: { processes: ProcessRunner },
      // -w: caffeinate exits by itself if the agent dies, so no assertion is ever orphaned.
      create: ({ processes }) =>
        new RefCountedPowerManager(new ProcessHoldBackend('caffeinate', processes, () => ['caffeinate', ...config.flags, '-w', String(process.pid)])),
    });
  },
  async deactivate(ctx) {
    const power = ctx.tryGet(PowerManager);
    if (power instanceof RefCountedPowerManager) await power.releaseAll();
  },
});
