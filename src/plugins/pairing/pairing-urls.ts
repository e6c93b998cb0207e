import { networkInterfaces } from 'node:os';
import type { TunnelProvider } from '../../plugin-api';
import { isLoopbackHost } from '../shared/is-loopback-host';

/** One address a device may reach the agent at, and how it was found. */
export interface PairingUrl {
  url: string;
  /** `configured` (pairing.publicUrl), `tunnel:<id>`, `lan`, or `local` (this machine only). */
  source: string;
}

/**
 * Where a new device can reach the agent, best first: the configured public URL, every tunnel that
 * is up, the machine's LAN addresses when the agent binds a non-loopback address, and last the local
 * URL (reachable from this machine only, so useless to a phone, but honest).
 */
export function pairingUrls(options: { publicUrl: string | undefined; tunnels: readonly TunnelProvider[]; host: string; port: number; localUrl: string | null }): PairingUrl[] {
  const urls: PairingUrl[] = [];
  const add = (url: string, source: string) => {
    const clean = url.replace(/\/+$/, '');
    if (!urls.some((u) => u.url === clean)) urls.push({ url: clean, source });
  };
  if (options.publicUrl) add(options.publicUrl, 'configured');
  for (const tunnel of options.tunnels) {
    const status = tunnel.status();
    if (status.state === 'up' && status.publicUrl) add(status.publicUrl, `tunnel:${tunnel.id}`);
  }
  if (!isLoopbackHost(options.host)) {
    const wildcard = options.host === '0.0.0.0' || options.host === '::';
    const hosts = wildcard ? lanAddresses(options.host === '::') : [options.host];
    for (const host of hosts) add(`http://${host.includes(':') ? `[${host}]` : host}:${options.port}`, 'lan');
  }
  if (options.localUrl) add(options.localUrl, 'local');
  return urls;
}

function lanAddresses(withIpv6: boolean): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === 'IPv4') found.push(entry.address);
      else if (withIpv6 && !entry.address.startsWith('fe80')) found.push(entry.address);
    }
  }
  return found;
}

/** The link a device opens: the agent's page with the code in the fragment (never sent to a server). */
export function pairingLink(url: string, code: string): string {
  return `${url}/#pair=${code}`;
}
