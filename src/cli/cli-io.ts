import type { createAgent } from '../agent/create-agent';
import type { Kernel } from '../kernel/kernel';

/** Something text can be written to (`process.stdout`, or a buffer in tests). */
export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Where a command reads typed input (a password). `process.stdin`, or a stream in tests. */
export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The part of a kernel the CLI drives (so tests can pass a fake). */
export type AgentHandle = Pick<Kernel, 'load' | 'report' | 'problems' | 'definitions' | 'start' | 'stop' | 'degraded'> & Partial<Pick<Kernel, 'agent'>>;

/** Everything the CLI touches in the outside world; `runCli` never reaches past it except for defaults. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Standard input, for commands that read a secret. Default: `process.stdin`. */
  stdin?: CliInput;
  /** Source of SIGINT/SIGTERM for `start`. Default: `process`. */
  signals?: {
    on(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
    off(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  };
  /** Forced exit (second signal, shutdown deadline). Default: `process.exit`. */
  exit?: (code: number) => void;
  /** The operating system commands act for (`service`). Default: `process.platform`. */
  platform?: NodeJS.Platform;
  /** Builds the agent. Default: `createAgent`. */
  createAgent?: (options: Parameters<typeof createAgent>[0]) => AgentHandle;
}
