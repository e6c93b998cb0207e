import { definePlugin, PowerManager, RefCountedPowerManager } from '../../plugin-api';

/**
 * The fallback `PowerManager` where no real backend applies: it records assertions (so the API and
 * events behave the same everywhere) but cannot keep the machine awake, and says so in its status.
 */
export default definePlugin({
  id: 'power-noop',
  apiVersion: 1,
  description: 'Fallback power manager: tracks assertions, holds nothing',
  fallback: true,
  provides: [PowerManager],
  register(reg) {
    reg.provide(PowerManager, {
      create: () => new RefCountedPowerManager({ name: 'noop', engage: async () => {}, release: async () => {} }),
    });
  },
});
