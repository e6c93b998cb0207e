import { InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS } from '../kernel/config/agent-config-schema';

/** `--config PATH`: load exactly this file instead of searching from the working directory. */
export function configOption(): Option {
  return new Option('-c, --config <path>', 'config file to load (default: search from the working directory)');
}

/** `--log-level LEVEL`, checked against the known levels (a wrong one is a usage error). */
export function logLevelOption(description = 'log level'): Option {
  return new Option('--log-level <level>', description).choices(LOG_LEVELS);
}

/** Parser for `--port`: an integer 0..65535, else a usage error. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected an integer from 0 to 65535.');
  return Number(value);
}
