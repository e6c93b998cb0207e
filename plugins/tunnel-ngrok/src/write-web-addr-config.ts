import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** Config files to pass to `ngrok --config`, and how to remove the temporary one. */
export interface WebAddrConfig {
  files: string[];
  dispose(): void;
}

/**
 * ngrok has no command-line flag for its web address, only the `web_addr` config key. Write a small
 * override file (private temp dir, mode 0600) and merge it after the user's own config, so their
 * authtoken and settings still apply: `--config <theirs>,<override>` (later files win).
 */
export async function writeWebAddrConfig(port: number, baseConfig: string | null): Promise<WebAddrConfig> {
  let base: string | null = null;
  if (baseConfig) base = await readFile(baseConfig, 'utf8').catch(() => null);
  // The override must use the same config version as the file it is merged with: v3 nests agent settings.
  const v3 = base !== null && /^version:\s*["']?3\b/m.test(base);
  const text = v3 ? `version: "3"\nagent:\n  web_addr: 127.0.0.1:${port}\n` : `version: "2"\nweb_addr: 127.0.0.1:${port}\n`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tf-ngrok-'));
  const file = path.join(dir, 'web-addr.yml');
  await writeFile(file, text, { mode: 0o600 });
  return {
    files: base !== null && baseConfig ? [baseConfig, file] : [file],
    dispose: () => void rm(dir, { recursive: true, force: true }).catch(() => undefined),
  };
}
