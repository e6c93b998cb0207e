import * as os from 'node:os';
import { definePlugin, z } from '../../plugin-api';
import { isLoopbackHost } from '../shared/is-loopback-host';
import type { Advertiser } from './advertiser';

/** Protocol a client speaks with the agent, announced in the TXT record. */
const PROTOCOL = 'tunnelforge.v1';

/**
 * The `discovery` plugin around an {@link Advertiser} (bonjour-service in the agent; a recorder in
 * tests). Opt-in twice over: nothing is announced unless `enabled` is set **and** the agent listens
 * on a non-loopback address, since an agent only this machine can reach has nothing to announce
 * and an announcement tells the whole network that a terminal server runs here.
 */
export function createDiscoveryPlugin(advertiser: Advertiser) {
  return definePlugin({
    id: 'discovery',
    apiVersion: 1,
    description: 'Opt-in mDNS/DNS-SD announcement (_tunnelforge._tcp) on a non-loopback bind',
    config: z.strictObject({
      /** Announce the agent on the local network. Off by default. */
      enabled: z.boolean().default(false),
      /** Instance name; default `TunnelForge on <hostname>`. */
      name: z.string().trim().min(1).max(63).optional(),
    }),
    start(ctx) {
      if (!ctx.config.enabled) {
        ctx.log.debug('mDNS discovery is off (plugins.discovery.options.enabled)');
        return;
      }
      if (isLoopbackHost(ctx.agent.host)) {
        ctx.log.info('mDNS discovery is enabled but not announced: the agent listens on loopback only', { host: ctx.agent.host });
        return;
      }
      const localUrl = ctx.agent.localUrl();
      const port = localUrl ? Number(new URL(localUrl).port) : ctx.agent.port;
      const advertisement = {
        name: ctx.config.name ?? `TunnelForge on ${os.hostname().split('.')[0]}`.slice(0, 63),
        type: 'tunnelforge',
        port,
        host: ctx.agent.host,
        txt: { version: ctx.agent.version, protocol: PROTOCOL, id: ctx.agent.instanceId },
      };
      let reported = false;
      const running = advertiser.advertise(advertisement, (error) => {
        if (reported) return;
        reported = true;
        ctx.log.warn('mDNS announcement failed; the agent runs on without it', { error: error.message });
      });
      ctx.log.info('announcing the agent on the local network (mDNS)', { service: `_${advertisement.type}._tcp`, name: advertisement.name, port });
      ctx.onDispose(() => running.stop());
    },
  });
}
