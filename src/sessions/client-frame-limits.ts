import { Opcode } from './opcode';

/**
 * Largest payload (bytes after the opcode byte) of each client opcode. The transport admits frames
 * up to 1 MiB for the sake of INPUT (a big paste); every other frame is small by construction, and
 * an ATTACH (JSON, parsed whole) of 1 MiB let any credential — a read-only share link included —
 * block the event loop for ~270 ms per frame with deeply nested JSON. INPUT and unknown opcodes are
 * not listed: their payload is never parsed.
 */
export const CLIENT_FRAME_LIMITS: Readonly<Record<number, number>> = {
  [Opcode.ATTACH]: 4096, // {"sessionId", "offset", "cols", "rows"}: under 200 bytes in practice
  [Opcode.RESIZE]: 4,
  [Opcode.PAUSE]: 0,
  [Opcode.RESUME]: 0,
  [Opcode.PING]: 256,
  [Opcode.DETACH]: 0,
};

/**
 * A control frame over its limit by this much is not a client bug but abuse: refused before it is
 * decoded (TF_ERR_FRAME_TOO_LARGE) at OVERSIZED_FRAME_COST. Smaller wrong sizes (a RESIZE of 5
 * bytes, a PING of 300) are decoded and answered TF_ERR_BAD_FRAME, as always.
 */
const ABUSE_BYTES = 4096;

/** Errors an oversized control frame costs from the connection's ErrorBudget. */
export const OVERSIZED_FRAME_COST = 10;

/** The error for a control frame too large to decode, or null for any other frame. */
export function checkClientFrameSize(data: Buffer): { code: string; message: string } | null {
  if (data.length === 0) return null;
  const limit = CLIENT_FRAME_LIMITS[data[0]];
  const payload = data.length - 1;
  if (limit === undefined || payload <= Math.max(limit, ABUSE_BYTES)) return null;
  return { code: 'TF_ERR_FRAME_TOO_LARGE', message: `opcode 0x${data[0].toString(16).padStart(2, '0')} carries at most ${limit} bytes; got ${payload}` };
}
