/** An idle shell's prompt and a few commands fit; output beyond grows the storage by doubling. */
const INITIAL_BYTES = 4 * 1024;

/**
 * Bounded byte log of one session's output, addressed by ABSOLUTE offsets: offset 0 is the first
 * byte the session ever produced, `end` the next one. Only the newest `capacity` bytes are held,
 * `[start, end)`.
 *
 * Storage grows lazily (4 KiB, doubling up to `capacity`) so an idle session costs a few KiB; a
 * byte at offset `o` lives at `o % storage.length`, which stays valid across growth because the held
 * range never exceeds the storage.
 */
export class OutputRing {
  private storage: Buffer;
  private startOffset = 0;
  private endOffset = 0;

  constructor(readonly capacity: number, initialBytes = INITIAL_BYTES) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`bad ring capacity ${capacity}`);
    this.storage = Buffer.allocUnsafeSlow(Math.min(capacity, Math.max(1, initialBytes)));
  }

  /** Oldest offset still held. */
  get start(): number {
    return this.startOffset;
  }

  /** Offset of the next byte to be appended (= bytes ever appended). */
  get end(): number {
    return this.endOffset;
  }

  /** Bytes held. */
  get size(): number {
    return this.endOffset - this.startOffset;
  }

  /** Bytes of storage allocated right now (for tests and metrics). */
  get allocated(): number {
    return this.storage.length;
  }

  /**
   * Continue a stream that began elsewhere: an empty ring whose next byte is `offset` (a session
   * adopted from the session host, whose earlier bytes are gone or appended next).
   */
  startAt(offset: number): void {
    if (this.endOffset !== 0) throw new Error('startAt() needs an empty ring');
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`bad offset ${offset}`);
    this.startOffset = this.endOffset = offset;
  }

  append(chunk: Uint8Array): void {
    let n = chunk.length;
    if (n === 0) return;
    let src = chunk;
    if (n > this.capacity) {
      // Only the newest `capacity` bytes can be held; the rest is skipped but still counted.
      src = chunk.subarray(n - this.capacity);
      this.endOffset += n - this.capacity;
      this.startOffset = this.endOffset;
      n = this.capacity;
    }
    const needed = this.size + n;
    if (needed > this.storage.length && this.storage.length < this.capacity) this.grow(needed);
    this.writeAt(this.endOffset, src);
    this.endOffset += n;
    if (this.endOffset - this.startOffset > this.storage.length) this.startOffset = this.endOffset - this.storage.length;
  }

  /** A copy of up to `maxBytes` from `from`; `null` when `from` is outside `[start, end]`. */
  read(from: number, maxBytes = Infinity): Buffer | null {
    if (from < this.startOffset || from > this.endOffset) return null;
    const n = Math.min(this.endOffset - from, maxBytes);
    const out = Buffer.allocUnsafe(n);
    this.copyTo(from, n, out, 0);
    return out;
  }

  /**
   * Copy up to `maxBytes` from `from` into `target` at `targetOffset` (no allocation).
   * Returns the bytes copied, or -1 when `from` is outside `[start, end]`.
   */
  copyTo(from: number, maxBytes: number, target: Uint8Array, targetOffset: number): number {
    if (from < this.startOffset || from > this.endOffset) return -1;
    const n = Math.min(this.endOffset - from, maxBytes, target.length - targetOffset);
    const len = this.storage.length;
    const pos = from % len;
    const first = Math.min(n, len - pos);
    this.storage.copy(target, targetOffset, pos, pos + first);
    if (first < n) this.storage.copy(target, targetOffset + first, 0, n - first);
    return n;
  }

  /**
   * A view (no copy) of the contiguous stored bytes from `from`, at most `maxBytes` long; it may be
   * shorter than what is held (the storage wraps). Valid only until the next `append`.
   */
  peek(from: number, maxBytes: number): Buffer | null {
    if (from < this.startOffset || from > this.endOffset) return null;
    const len = this.storage.length;
    const pos = from % len;
    const n = Math.min(this.endOffset - from, maxBytes, len - pos);
    return this.storage.subarray(pos, pos + n);
  }

  /** The byte at `offset`, or -1 when it is not held. */
  byteAt(offset: number): number {
    if (offset < this.startOffset || offset >= this.endOffset) return -1;
    return this.storage[offset % this.storage.length];
  }

  /** Offset of the last `byte` in `[notBefore, before)`, or -1. */
  lastIndexOf(byte: number, before: number, notBefore = this.startOffset): number {
    const len = this.storage.length;
    for (let offset = Math.min(before, this.endOffset) - 1; offset >= Math.max(notBefore, this.startOffset); offset--) {
      if (this.storage[offset % len] === byte) return offset;
    }
    return -1;
  }

  private grow(needed: number): void {
    let next = this.storage.length;
    while (next < needed) next *= 2;
    next = Math.min(next, this.capacity);
    const old = this.storage;
    const oldLen = old.length;
    this.storage = Buffer.allocUnsafeSlow(next);
    // Re-home the held bytes at their new positions (offset % next); at most two source segments.
    let offset = this.startOffset;
    while (offset < this.endOffset) {
      const pos = offset % oldLen;
      const n = Math.min(this.endOffset - offset, oldLen - pos);
      this.writeAt(offset, old.subarray(pos, pos + n));
      offset += n;
    }
  }

  /** Write `src` (≤ storage length) so that its first byte lands at absolute `offset`. */
  private writeAt(offset: number, src: Uint8Array): void {
    const len = this.storage.length;
    const pos = offset % len;
    const first = Math.min(src.length, len - pos);
    this.storage.set(first === src.length ? src : src.subarray(0, first), pos);
    if (first < src.length) this.storage.set(src.subarray(first), 0);
  }
}
