import { SessionStream } from '../../src/sessions/session-stream';

/**
 * Investigation only (`--experiment-reuse-frames`): makes the agent's OUTPUT frames views into one
 * reused arena instead of a fresh `Buffer.allocUnsafe(9 + 64 KiB)` per frame, to measure what the
 * per-frame allocation costs in GC (src/sessions/session-stream.ts `frameAt` →
 * SessionStream.allocateFrame). uWS copies a message during `send`, so a frame may be reused once
 * sent. Safe only while no frame is kept across sends, i.e. sessions with ONE client (with several,
 * frameAt caches frames within a flush pass); the run's hashes would catch a violation.
 */
export function reuseOutputFrames(arenaBytes = 4 * 1024 * 1024): void {
  const arena = Buffer.allocUnsafeSlow(arenaBytes);
  let position = 0;
  SessionStream.allocateFrame = (size) => {
    if (position + size > arena.length) position = 0;
    const frame = arena.subarray(position, position + size);
    position += size;
    return frame;
  };
}
