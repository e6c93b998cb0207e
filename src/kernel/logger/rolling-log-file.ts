import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import pinoRoll from 'pino-roll';
import type { LogDestination } from './create-logger';

/** Lines kept in memory at most while the disk refuses them (then they are dropped, said once). */
const MAX_BUFFER_BYTES = 4 * 1024 * 1024;

/** The SonicBoom stream pino-roll answers (the part used here). */
interface RollStream {
  write(chunk: string): boolean;
  on(event: 'error' | 'drop', listener: (arg: unknown) => void): unknown;
  flush(cb?: (error?: Error) => void): void;
  end(): void;
  once(event: 'close' | 'finish', listener: () => void): unknown;
}

/**
 * The agent's log file: JSON lines in `<dir>/agent.<n>.log` through pino-roll, rotated by size and
 * thinned to `keep` old files. Writes are asynchronous (SonicBoom, `sync: false`) and rotation
 * reopens the file asynchronously, so neither blocks the event loop. A disk error (full, gone)
 * never reaches the agent: it is reported once through `onError`, lines are buffered up to 4 MiB
 * and dropped beyond that, and writing resumes when the disk takes them again.
 */
export class RollingLogFile implements LogDestination {
  private failed = false;

  private constructor(private readonly stream: RollStream, readonly dir: string) {}

  static async open(dir: string, options: { maxSizeMb: number; keep: number }, onError: (message: string) => void): Promise<RollingLogFile> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const stream = (await pinoRoll({
      file: path.join(dir, 'agent'),
      extension: '.log',
      size: `${options.maxSizeMb}m`,
      limit: { count: options.keep },
      sync: false,
      mkdir: true,
      mode: 0o600,
      maxLength: MAX_BUFFER_BYTES,
    })) as unknown as RollStream;
    const file = new RollingLogFile(stream, dir);
    stream.on('error', (error) => {
      if (file.failed) return;
      file.failed = true;
      onError(`cannot write the log file in ${dir}: ${(error as Error)?.message ?? String(error)}; lines are kept in memory (4 MiB) and then dropped until it works again`);
    });
    stream.on('drop', () => undefined);
    return file;
  }

  write(chunk: string): void {
    try {
      this.stream.write(chunk);
    } catch {
      // A closed or broken stream loses the line; logging must never throw into the agent.
    }
  }

  /** Write what is buffered and close the file. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      timer.unref();
      this.stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        this.stream.end();
      } catch {
        resolve();
      }
    });
  }
}
