/** `['plugins', 'tunnel-ngrok', 'enabled']` → `plugins.tunnel-ngrok.enabled`; numbers as `[n]`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += (out ? '.' : '') + String(segment);
  }
  return out;
}
