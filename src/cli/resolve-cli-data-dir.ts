import { loadConfig } from '../kernel/config/load-config';
import type { CliIo } from './cli-io';

/** The agent's data dir as `start` would use it: config file, then `TUNNELFORGE_DATA_DIR`, then `--data-dir`. */
export async function resolveCliDataDir(io: CliIo, flags: { config?: string; dataDir?: string }): Promise<string> {
  const { config } = await loadConfig({
    configPath: flags.config,
    cwd: io.cwd,
    env: io.env,
    overrides: { dataDir: flags.dataDir },
    overrideLabels: { dataDir: '--data-dir' },
  });
  return config.dataDir;
}
