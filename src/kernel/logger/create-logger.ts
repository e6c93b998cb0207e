import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../../plugin-api/core-services';
import { formatPrettyLine } from './format-pretty-line';
import { PinoLogger } from './pino-logger';

/** Where log lines go: any object with `write(string)`; `isTTY` drives `format: 'auto'`. */
export interface LogDestination {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CreateLoggerOptions {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** `auto` (default): JSON lines unless the destination is a TTY, then readable lines. */
  format?: 'auto' | 'json' | 'pretty';
  /** Default: `process.stdout`. */
  destination?: LogDestination;
  /** ANSI colors in pretty lines. Default: when the destination is a TTY and `NO_COLOR` is unset. */
  colors?: boolean;
  /** Also write every line, as JSON, here (the rotating log file of `tunnelforge start`). */
  file?: LogDestination;
}

/**
 * The agent's logger: pino underneath, JSON lines
 * (`{"level":"info","time":"…","pid":1,"hostname":"h","plugin":"x","msg":"…","key":"value"}`) or
 * compact human lines, with secret-looking fields redacted at any depth.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const pretty = options.format === 'pretty' || ((options.format ?? 'auto') === 'auto' && destination.isTTY === true);
  const colors = options.colors ?? (destination.isTTY === true && !process.env.NO_COLOR);
  const file = options.file;
  const stream: DestinationStream = pretty
    ? { write: (line: string) => (file?.write(line), void destination.write(formatPrettyLine(JSON.parse(line), { colors }))) }
    : { write: (line: string) => (file?.write(line), void destination.write(line)) };
  const instance = pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    stream,
  );
  return new PinoLogger(instance);
}
