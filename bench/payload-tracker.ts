import { createHash, type Hash } from 'node:crypto';
import { READY_MARKER, type FloodClientResult } from './common';

/** Bytes of pre-payload output kept while looking for the READY marker. */
const MAX_PRELUDE = 1024 * 1024;

/**
 * Follows one output stream (absolute offsets) and checks the payload region in it.
 *
 * The producer prints READY_MARKER + `\r\n` (cooked PTY: ONLCR), then the payload (no `\n`, so no
 * ONLCR expansion), then DONE_MARKER. The payload region is the `payloadBytes` bytes right after
 * the marker. Every byte in it is hashed in arrival order (sha256) and compared at its offset with
 * the expected payload, so a resync (SNAPSHOT, skipped bytes) shows as an incomplete stream, never
 * as a false mismatch, and corruption shows as mismatched bytes.
 *
 * Used by the client processes (OUTPUT frames) and by the raw node-pty baseline (onData chunks).
 */
export class PayloadTracker {
  /** Absolute offset of the first payload byte, once the marker was seen. */
  payloadStart: number | null = null;
  bytes = 0;
  firstAt = 0;
  lastAt = 0;
  mismatchedBytes = 0;
  offsetGaps = 0;
  resyncs = 0;
  snapshots = 0;
  wireBytes = 0;
  frames = 0;
  /** Next offset expected (null until ATTACHED/SNAPSHOT or the first chunk). */
  nextOffset: number | null = null;
  /** The first discontinuity seen (diagnostics): expected and received offsets, and the frames before it. */
  firstGap: { expected: number; got: number; frameIndex: number; recent: string[] } | null = null;
  private readonly recent: string[] = [];
  error: string | undefined;
  private readonly hash: Hash = createHash('sha256');
  private prelude = '';
  private preludeStart = 0;
  private finished = false;
  private onDone: (() => void) | null = null;
  readonly done: Promise<void>;

  constructor(
    private readonly expected: Buffer | null,
    private readonly payloadBytes: number,
    private readonly expectedSha256: string,
    private readonly markerSuffix = '\r\n',
  ) {
    this.done = new Promise((resolve) => (this.onDone = resolve));
  }

  get isDone(): boolean {
    return this.finished;
  }

  /** A SNAPSHOT at `offset`: the stream continues from there (bytes before it are skipped). */
  snapshot(offset: number, at = 0): void {
    this.note(`snapshot@${offset}`);
    this.snapshots++;
    if (this.snapshots > 1) this.resyncs++;
    this.nextOffset = offset;
    if (this.payloadStart === null) {
      this.prelude = '';
      this.preludeStart = offset;
    } else if (offset >= this.payloadStart + this.payloadBytes) {
      // A resync past the end of the payload: the stream went beyond it (with bytes skipped).
      this.lastAt = at;
      this.finish();
    }
  }

  /** The stream starts at `offset` (ATTACHED with a resume offset, or a raw PTY at 0). */
  start(offset: number): void {
    this.nextOffset = offset;
    this.preludeStart = offset;
  }

  /** Output bytes at absolute `offset`, received at wall-clock `at`. */
  output(offset: number, data: Buffer, at: number): void {
    if (this.finished) return;
    this.note(`output@${offset}+${data.length}`);
    if (this.nextOffset !== null && offset !== this.nextOffset) {
      this.offsetGaps++;
      this.firstGap ??= { expected: this.nextOffset, got: offset, frameIndex: this.frames, recent: [...this.recent] };
    }
    this.nextOffset = offset + data.length;
    if (this.payloadStart === null) {
      if (this.prelude === '') this.preludeStart = offset;
      this.prelude += data.toString('latin1');
      const marker = READY_MARKER + this.markerSuffix;
      const index = this.prelude.indexOf(marker);
      if (index < 0) {
        if (this.prelude.length > MAX_PRELUDE) this.fail(`no READY marker in the first ${MAX_PRELUDE} bytes`);
        return;
      }
      this.payloadStart = this.preludeStart + index + marker.length;
      this.prelude = '';
    }
    const start = this.payloadStart;
    const end = start + this.payloadBytes;
    const from = Math.max(offset, start);
    const to = Math.min(offset + data.length, end);
    if (to > from) {
      const slice = data.subarray(from - offset, to - offset);
      if (this.bytes === 0) this.firstAt = at;
      this.bytes += slice.length;
      this.hash.update(slice);
      if (this.expected !== null) {
        const want = this.expected.subarray(from - start, to - start);
        if (!slice.equals(want)) {
          for (let i = 0; i < slice.length; i++) if (slice[i] !== want[i]) this.mismatchedBytes++;
        }
      }
    }
    if (offset + data.length >= end) {
      this.lastAt = at;
      this.finish();
    }
  }

  /** Keep the last few frame descriptions (diagnostics for a discontinuity). */
  note(event: string): void {
    this.recent.push(event);
    if (this.recent.length > 8) this.recent.shift();
  }

  fail(message: string): void {
    if (this.finished) return;
    this.error = message;
    this.finish();
  }

  result(): FloodClientResult {
    const sha256 = this.hash.copy().digest('hex');
    return {
      payloadStart: this.payloadStart,
      bytes: this.bytes,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      sha256,
      complete: this.error === undefined && this.bytes === this.payloadBytes && sha256 === this.expectedSha256
        && this.mismatchedBytes === 0 && this.offsetGaps === 0 && this.resyncs === 0,
      mismatchedBytes: this.mismatchedBytes,
      offsetGaps: this.offsetGaps,
      resyncs: this.resyncs,
      wireBytes: this.wireBytes,
      frames: this.frames,
      error: this.error,
      firstGap: this.firstGap,
      nextOffset: this.nextOffset,
    };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onDone?.();
  }
}
