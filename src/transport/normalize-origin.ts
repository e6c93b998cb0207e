/**
 * `scheme://host[:port]` the way browsers serialise an Origin (lower case, default port dropped), or
 * `null` for anything else, including the opaque origin `null`.
 */
export function normalizeOrigin(value: string | undefined): string | null {
  if (value === undefined || value === '' || value === 'null') return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}
