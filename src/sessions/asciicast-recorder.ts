import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Why a recording stopped early. */
export type RecordingStop = { reason: 'error'; message: string };

export interface AsciicastRecorderOptions {
  /** The `.cast` file; the previous part is kept as `<name>.1.cast` when the cap rotates it. */
  file: string;
  cols: number;
  rows: number;
  /** Header fields. */
  command: string;
  title: string;
  /** Largest size of one part; at the cap the file is rotated (one previous part kept). */
  maxBytes: number;
  now(): number;
  /** The recording stopped (a write failed: full disk, removed directory); the session goes on. */
  onStop(stop: RecordingStop): void;
}

/**
 * An asciicast v2 recording of a session's output and size changes (never its input: typed
 * passwords must not reach the disk). Writes are small synchronous appends of what one PTY read
 * produced, so a crash loses nothing already recorded; a failed write stops the recording, never
 * the session.
 */
export class AsciicastRecorder {
  private fd: number | null = null;
  private size = 0;
  private readonly started: number;
  private readonly decoder = new StringDecoder('utf8');
  private stopped = false;
  private cols: number;
  private rows: number;

  constructor(private readonly options: AsciicastRecorderOptions) {
    this.started = options.now();
    this.cols = options.cols;
    this.rows = options.rows;
    this.open();
  }

  get active(): boolean {
    return !this.stopped;
  }

  /** Files of this recording, oldest first (what exists of them). */
  static parts(file: string): string[] {
    return [rotatedName(file), file];
  }

  output(chunk: Uint8Array): void {
    const text = this.decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (text !== '') this.event('o', text);
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.event('r', `${cols}x${rows}`);
  }

  close(): void {
    if (this.fd !== null) {
      const rest = this.decoder.end();
      if (rest !== '') this.event('o', rest);
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    this.stopped = true;
  }

  /** Close and delete every part. */
  remove(): void {
    this.close();
    for (const part of AsciicastRecorder.parts(this.options.file)) rmSync(part, { force: true });
  }

  private event(type: 'o' | 'r', data: string): void {
    if (this.stopped || this.fd === null) return;
    const seconds = Math.max(0, (this.options.now() - this.started) / 1000);
    const line = Buffer.from(`${JSON.stringify([Number(seconds.toFixed(6)), type, data])}\n`, 'utf8');
    if (this.size + line.length > this.options.maxBytes && this.size > 0) this.rotate();
    this.write(line);
  }

  private open(): void {
    try {
      mkdirSync(path.dirname(this.options.file), { recursive: true, mode: 0o700 });
      this.fd = openSync(this.options.file, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
      if (this.size === 0) {
        const header = { version: 2, width: this.cols, height: this.rows, timestamp: Math.floor(this.started / 1000), command: this.options.command, title: this.options.title };
        this.write(Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
      }
    } catch (error) {
      this.fail(error);
    }
  }

  private rotate(): void {
    try {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      renameSync(this.options.file, rotatedName(this.options.file));
    } catch (error) {
      return this.fail(error);
    }
    this.size = 0;
    // A new part is a recording of its own: a header, times counted from the session's start.
    this.open();
  }

  private write(data: Buffer): void {
    if (this.fd === null) return;
    try {
      let done = 0;
      while (done < data.length) done += writeSync(this.fd, data, done);
      this.size += data.length;
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (this.fd !== null) closeSync(this.fd);
    } catch {
      /* ignore */
    }
    this.fd = null;
    this.options.onStop({ reason: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

function rotatedName(file: string): string {
  return file.replace(/\.cast$/, '') + '.1.cast';
}
