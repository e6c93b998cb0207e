import { isIP } from 'node:net';

/**
 * True when `host` (a bind address, or the host part of a Host header) names this machine's
 * loopback interface only: `localhost`, 127.0.0.0/8, `::1`, or an IPv4-mapped loopback address.
 * Wildcards (`0.0.0.0`, `::`), other addresses and other names are not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  let value = host.trim().toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value === 'localhost') return true;
  const family = isIP(value);
  if (family === 4) return value.split('.')[0] === '127';
  if (family !== 6) return false;
  // The URL parser writes IPv6 in its canonical form: `0:0:0:0:0:0:0:1` → `::1`, `::ffff:127.0.0.1` → `::ffff:7f00:1`.
  const canonical = new URL(`http://[${value}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(canonical);
}
