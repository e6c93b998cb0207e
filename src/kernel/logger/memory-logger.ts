import type { LogLevel, Logger } from '../../plugin-api/core-services';
import { redactSecrets } from './redact-secrets';

/** One recorded log call. `fields` holds the child bindings merged with the call's own fields. */
export interface LogEntry {
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
  time: number;
}

const ORDER: Record<LogLevel | 'silent', number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * A {@link Logger} that records entries in memory, for tests. Children share their parent's
 * `entries`. Fields are redacted exactly as the real logger does, so tests can assert on leaks.
 */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[];
  private readonly level: LogLevel | 'silent';
  private readonly bindings: Record<string, unknown>;

  constructor(options: { level?: LogLevel | 'silent'; bindings?: Record<string, unknown>; entries?: LogEntry[] } = {}) {
    this.entries = options.entries ?? [];
    this.bindings = redactSecrets(options.bindings ?? {});
    this.level = options.level ?? 'trace';
  }

  trace(msg: string, fields?: Record<string, unknown>): void {
    this.record('trace', msg, fields);
  }
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.record('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.record('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.record('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.record('error', msg, fields);
  }
  child(bindings: Record<string, unknown>): MemoryLogger {
    return new MemoryLogger({ level: this.level, bindings: { ...this.bindings, ...bindings }, entries: this.entries });
  }

  /** Messages recorded, optionally only those at `level`. */
  messages(level?: LogLevel): string[] {
    return this.entries.filter((e) => level === undefined || e.level === level).map((e) => e.msg);
  }

  /** Forget everything recorded (shared with children). */
  clear(): void {
    this.entries.length = 0;
  }

  private record(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    this.entries.push({ level, msg, fields: { ...this.bindings, ...redactSecrets(fields ?? {}) }, time: Date.now() });
  }
}
