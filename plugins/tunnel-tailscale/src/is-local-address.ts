import { isIP } from 'node:net';

/** True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback: only this machine can use them. */
export function isLoopbackAddress(address: string): boolean {
  let value = address.trim().toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  if (value === 'localhost') return true;
  if (value.startsWith('::ffff:') && isIP(value.slice(7)) === 4) value = value.slice(7);
  const family = isIP(value);
  if (family === 4) return value.split('.')[0] === '127';
  return family === 6 && new URL(`http://[${value}]/`).hostname === '[::1]';
}

/** True for a Tailscale address: 100.64.0.0/10 (CGNAT range Tailscale uses) or fd7a:115c:a1e0::/48. */
export function isTailscaleAddress(address: string): boolean {
  const value = address.trim().toLowerCase();
  if (isIP(value) === 4) {
    const [a, b] = value.split('.').map(Number);
    return a === 100 && b >= 64 && b <= 127;
  }
  if (isIP(value) !== 6) return false;
  // Canonical form (`fd7a:115c:a1e0:0:…` → `fd7a:115c:a1e0::…`): the /48 is the first three groups.
  return new URL(`http://[${value}]/`).hostname.slice(1, -1).startsWith('fd7a:115c:a1e0:');
}
