import path from 'node:path';
import { createAgent } from '../agent/create-agent';
import type { AgentConfig } from '../kernel/config/agent-config-schema';
import { loadConfig } from '../kernel/config/load-config';
import { createLogger } from '../kernel/logger/create-logger';
import { logsDir } from '../plugins/shared/log-files';
import { RollingLogFile } from '../kernel/logger/rolling-log-file';
import type { Logger } from '../plugin-api/core-services';
import type { AgentHandle, CliIo } from './cli-io';

/** Flags that override config keys, as commander parsed them. */
export interface OverrideFlags {
  config?: string;
  host?: string;
  port?: number;
  dataDir?: string;
  logLevel?: AgentConfig['logLevel'];
}

export interface LoadedAgent {
  agent: AgentHandle;
  config: AgentConfig;
  filepath: string | null;
  logger: Logger;
  /** The rotating log file, when asked for and enabled in config; close it after the agent stopped. */
  logFile?: RollingLogFile | null;
}

/**
 * Load the config (file, env, then flags), make the logger and build the agent (not started).
 * `logTo`/`logLevel` let inspection commands keep stdout clean and quiet (`warn` on stderr).
 */
export async function loadAgent(
  io: CliIo,
  flags: OverrideFlags,
  logging: { to: 'stdout' | 'stderr'; level?: AgentConfig['logLevel']; file?: boolean },
): Promise<LoadedAgent> {
  const { config, filepath } = await loadConfig({
    configPath: flags.config,
    cwd: io.cwd,
    env: io.env,
    overrides: { host: flags.host, port: flags.port, dataDir: flags.dataDir, logLevel: flags.logLevel },
    overrideLabels: { host: '--host', port: '--port', dataDir: '--data-dir', logLevel: '--log-level' },
  });
  const logFile =
    logging.file && config.logFile.enabled
      ? await RollingLogFile.open(logsDir(config.dataDir), config.logFile, (message) => void io.stderr.write(`tunnelforge: ${message}\n`)).catch((error: unknown) => {
          // No log file is no reason not to run: say so and go on with stdout only.
          io.stderr.write(`tunnelforge: cannot open the log file: ${(error as Error).message}\n`);
          return null;
        })
      : null;
  const logger = createLogger({
    level: logging.level ?? config.logLevel,
    format: config.logFormat,
    destination: logging.to === 'stdout' ? io.stdout : io.stderr,
    file: logFile ?? undefined,
  });
  const configDir = filepath ? path.dirname(filepath) : io.cwd;
  const agent = (io.createAgent ?? createAgent)({ config, logger, configDir });
  return { agent, config, filepath, logger, logFile };
}
