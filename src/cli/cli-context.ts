import type { CliIo } from './cli-io';

/** Shared by the commands of one `runCli` call: the io, and the exit code the command chose. */
export interface CliContext {
  io: CliIo;
  exitCode: number;
}
