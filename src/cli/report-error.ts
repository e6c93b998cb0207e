import { CommanderError } from 'commander';
import { ConfigError } from '../kernel/config/config-error';
import type { CliOutput } from './cli-io';
import { formatProblem } from './format-problem';

/**
 * Print an error as one clear line (plus one line per config issue) and return the exit code:
 * 2 for usage errors, 1 otherwise. Stack traces only when `showStack` (log level debug/trace).
 */
export function reportError(error: unknown, out: CliOutput, showStack: boolean): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // commander already printed it
  if (error instanceof ConfigError) {
    out.write(`tunnelforge: ${error.message.split('\n')[0]}\n`);
    for (const issue of error.issues) out.write(`  ${formatProblem({ code: error.code, ...issue })}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    out.write(`tunnelforge: ${message.split('\n')[0]}\n`);
  }
  if (showStack && error instanceof Error && error.stack) out.write(`${error.stack}\n`);
  return 1;
}
