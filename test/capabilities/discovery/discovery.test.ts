import { startTestAgent, startTestKernel } from 'tunnelforge/testkit';
import type { Advertisement, Advertiser } from '../../../src/plugins/discovery/advertiser';
import { createDiscoveryPlugin } from '../../../src/plugins/discovery/create-discovery-plugin';

/**
 * A recording advertiser: multicast on the machine's network is the one edge these tests may not
 * touch (it would leave the machine), so the plugin's decisions are checked against this recorder.
 */
function recorder(fail?: Error) {
  const announced: Advertisement[] = [];
  let stopped = 0;
  const advertiser: Advertiser = {
    advertise(advertisement, onError) {
      announced.push(advertisement);
      if (fail) {
        onError(fail);
        onError(fail);
      }
      return { stop: async () => void stopped++ };
    },
  };
  return { advertiser, announced, stopped: () => stopped };
}

describe('mDNS discovery (opt-in)', () => {
  test('the real agent: off by default, and not announced on loopback even when enabled', async () => {
    const plain = await startTestAgent();
    try {
      expect(plain.plugin('discovery').state).toBe('active');
      expect(plain.logs.some((l) => l.msg === 'mDNS discovery is off (plugins.discovery.options.enabled)')).toBe(true);
      expect(plain.logs.some((l) => l.msg.startsWith('announcing'))).toBe(false);
    } finally {
      await plain.stop();
    }
    const enabled = await startTestAgent({ config: { plugins: { discovery: { options: { enabled: true } } } } });
    try {
      expect(enabled.logs.find((l) => l.msg.startsWith('mDNS discovery is enabled but not announced'))?.fields).toMatchObject({ host: '127.0.0.1' });
      expect(enabled.logs.some((l) => l.msg.startsWith('announcing'))).toBe(false);
    } finally {
      await enabled.stop();
    }
  });

  test('off by default and on loopback the advertiser is never called; enabled on a non-loopback bind it announces _tunnelforge._tcp with version, protocol and instance id, and stops with the agent', async () => {
    const cases: Array<{ host: string; enabled?: boolean; announced: boolean }> = [
      { host: '192.0.2.10', announced: false },
      { host: '127.0.0.1', enabled: true, announced: false },
      { host: '::1', enabled: true, announced: false },
      { host: '192.0.2.10', enabled: true, announced: true },
    ];
    for (const c of cases) {
      const rec = recorder();
      const tk = await startTestKernel({
        plugins: [createDiscoveryPlugin(rec.advertiser)],
        config: { host: c.host, port: 4999, plugins: { discovery: { options: c.enabled === undefined ? {} : { enabled: c.enabled, name: 'desk' } } } },
      });
      expect(rec.announced.length).toBe(c.announced ? 1 : 0);
      if (c.announced) {
        const ready = tk.events.find((e) => e.type === 'agent.ready')!.data as { instanceId: string };
        expect(rec.announced[0]).toEqual({ name: 'desk', type: 'tunnelforge', port: 4999, host: '192.0.2.10', txt: { version: expect.any(String), protocol: 'tunnelforge.v1', id: ready.instanceId } });
      }
      await tk.stop();
      expect(rec.stopped()).toBe(c.announced ? 1 : 0);
    }
  });

  test('a failing announcement is logged once and the agent runs on', async () => {
    const rec = recorder(new Error('EADDRINUSE 0.0.0.0:5353'));
    const tk = await startTestKernel({ plugins: [createDiscoveryPlugin(rec.advertiser)], config: { host: '0.0.0.0', port: 4999, plugins: { discovery: { options: { enabled: true } } } } });
    expect(tk.plugin('discovery').state).toBe('active');
    expect(tk.logger.entries.filter((e) => e.msg.startsWith('mDNS announcement failed'))).toHaveLength(1);
    await tk.stop();
  });
});
