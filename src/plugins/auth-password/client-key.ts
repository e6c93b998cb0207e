import { isIP } from 'node:net';

/**
 * The key login throttling counts failures under: the IPv4 address (IPv4-mapped IPv6 unwrapped), or
 * the /64 prefix of an IPv6 address, since one host or network usually holds a whole /64 and could
 * otherwise rotate through addresses to dodge the limit.
 */
export function clientKey(address: string): string {
  const value = address.trim().toLowerCase();
  if (value.startsWith('::ffff:') && isIP(value.slice(7)) === 4) return value.slice(7);
  if (isIP(value) !== 6) return value;
  const [head, tail] = value.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 address at the end (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) fills two groups.
  const tailWidth = tailGroups.length + (tailGroups.at(-1)?.includes('.') ? 1 : 0);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailWidth)).fill('0'), ...tailGroups];
  return `${groups.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`;
}
