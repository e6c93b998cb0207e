import { Clock, definePlugin, PlatformInfo, PowerManager, ProcessHoldBackend, ProcessRunner, RefCountedPowerManager, requireExecutable, z } from '../../plugin-api';

const configSchema = z.object({
  /** What to inhibit (systemd-inhibit --what). */
  what: z.string().regex(/^[a-z-]+(:[a-z-]+)*$/).default('idle:sleep'),
});


/**
 * Keeps Linux awake with `systemd-inhibit`. The inhibitor holds `tail --pid=<agent pid>`, so it ends
 * by itself if the agent dies; stopping the child releases it. Without a system D-Bus (containers,
 * non-systemd hosts) `detect` says so and `power-noop` takes over.
 */
export default definePlugin({
  id: 'power-linux',
  apiVersion: 1,
  description: 'Keeps Linux awake with systemd-inhibit',
  platforms: ['linux'],
  provides: [PowerManager],
  config: configSchema,
  async detect({ which, processes, log }) {
    const path = await which('systemd-inhibit');
    if (!path) return 'systemd-inhibit not found on PATH';
    // --list talks to logind over the system bus: the cheapest proof that inhibiting can work.
    const probe = await processes.run(path, ['--list', '--no-pager'], { timeoutMs: 3000 });
    if (probe.code !== 0) {
      const said = (probe.stderr || probe.stdout).trim().split('\n')[0] || `exit code ${probe.code}`;
      log.debug('systemd-inhibit probe failed', { said });
      return `systemd-inhibit cannot reach the system bus: ${said}`;
    }
    return true;
  },
  register(reg, config) {
    reg.provide(PowerManager, {
      deps: { processes: ProcessRunner, platform: PlatformInfo, clock: Clock },
      create: ({ processes, platform, clock }) => {
        // `tail --pid` ends by itself if the agent dies, so the inhibitor can never outlive it.
        const backend = new ProcessHoldBackend('systemd-inhibit', processes, async (why) => [
          await requireExecutable(platform, 'systemd-inhibit'),
          `--what=${config.what}`, '--who=TunnelForge', `--why=${why || 'terminal sessions running'}`, '--mode=block',
          'tail', `--pid=${process.pid}`, '-f', '/dev/null',
        ]);
        return new RefCountedPowerManager(backend, clock);
      },
    });
  },
  deactivate: (ctx) => RefCountedPowerManager.releaseActive(ctx),
});
