import { bonjourAdvertiser } from './bonjour-advertiser';
import { createDiscoveryPlugin } from './create-discovery-plugin';

/** Opt-in mDNS/DNS-SD announcement of the agent (`_tunnelforge._tcp`), with bonjour-service. */
export default createDiscoveryPlugin(bonjourAdvertiser);
