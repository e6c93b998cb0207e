import type { Logger as PinoInstance } from 'pino';
import type { Logger } from '../../plugin-api/core-services';
import { redactSecrets } from './redact-secrets';

/** The plugin API {@link Logger} over a pino logger; fields and bindings are redacted first. */
export class PinoLogger implements Logger {
  constructor(private readonly pino: PinoInstance) {}

  trace(msg: string, fields?: Record<string, unknown>): void {
    this.write('trace', msg, fields);
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new PinoLogger(this.pino.child(redactSecrets(bindings)));
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    if (!this.pino.isLevelEnabled(level)) return;
    if (fields === undefined) this.pino[level](msg);
    else this.pino[level](redactSecrets(fields), msg);
  }
}
