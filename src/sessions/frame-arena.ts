/**
 * Scratch memory for OUTPUT frames, shared by every session stream of the process.
 *
 * Why: a fresh `Buffer.allocUnsafe(64 KiB)` per frame is an off-heap allocation V8 counts as
 * external memory, and at flood rates (~800 frames/s per session) that pressure alone triggers
 * mark-compact collections: back to back on the bench's machine, frames carved from one reused
 * block took the agent from 15.4 to 6.9 ms of CPU per flooded MB and its GC from 50–98 to 2–14 ms
 * per second (bench/RESULTS.md, issue 17).
 *
 * Why it is safe: `WsConnection.send` is done with the bytes when it returns (uWS copies a message
 * into its cork or backpressure buffer), so a frame only has to live until the synchronous pass
 * that built it ends; within a pass, frames shared by clients at the same cursor stay untouched.
 * A pass is bracketed by `begin()`/`end()` (nesting allowed); the block is reused from its start
 * when the outermost pass begins. A frame that does not fit gets its own Buffer.
 */
export class FrameArena {
  private block: Buffer | null = null;
  private position = 0;
  private depth = 0;

  /** @param bytes Size of the reused block, allocated on first use (an agent that never streams pays nothing). */
  constructor(private readonly bytes: number) {}

  /** A pass starts: from the outermost one on, frames handed out before are free again. */
  begin(): void {
    if (this.depth++ === 0) this.position = 0;
  }

  end(): void {
    if (this.depth > 0) this.depth--;
  }

  /** `size` bytes (not zeroed) valid until the outermost pass ends. */
  take(size: number): Buffer {
    if (this.depth === 0 || size > this.bytes) return Buffer.allocUnsafe(size);
    if (this.position + size > this.bytes) return Buffer.allocUnsafe(size); // full for this pass: rare (many cursors)
    this.block ??= Buffer.allocUnsafeSlow(this.bytes);
    const frame = this.block.subarray(this.position, this.position + size);
    this.position += size;
    return frame;
  }
}
