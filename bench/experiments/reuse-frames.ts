import { ProtocolCodec } from '../../src/sessions/protocol-codec';
import { Opcode } from '../../src/sessions/opcode';

/**
 * Investigation only (`--experiment-reuse-frames`): makes the agent's OUTPUT frames views into one
 * reused arena instead of a fresh `Buffer.allocUnsafe(9 + 64 KiB)` per frame, to measure what the
 * per-frame allocation costs in GC (src/sessions/session-stream.ts `frameAt` →
 * ProtocolCodec.outputFrame). uWS copies a message during `send`, so a frame may be reused once
 * sent. Safe only while no frame is kept across sends, i.e. sessions with ONE client (with several,
 * frameAt caches frames within a flush pass); the run's hashes would catch a violation.
 */
export function reuseOutputFrames(arenaBytes = 4 * 1024 * 1024): void {
  const arena = Buffer.allocUnsafeSlow(arenaBytes);
  let position = 0;
  (ProtocolCodec as { outputFrame: (offset: number, payloadLength: number) => Buffer }).outputFrame = (offset, payloadLength) => {
    const size = ProtocolCodec.OUTPUT_HEADER_BYTES + payloadLength;
    if (position + size > arena.length) position = 0;
    const frame = arena.subarray(position, position + size);
    position += size;
    frame[0] = Opcode.OUTPUT;
    frame.writeUInt32BE(Math.floor(offset / 0x1_0000_0000), 1);
    frame.writeUInt32BE(offset % 0x1_0000_0000, 5);
    return frame;
  };
}
