import { JsonShapeScanner } from '../transport/json-shape-scanner';
import { Opcode } from '@tunnelforge/client';

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
  [Opcode.WATCH]: 16 * 1024, // {"sessionIds": [256 ids]} at most
  [Opcode.UNWATCH]: 0,
};

/**
 * A control frame over its limit by this much is not a client bug but abuse: refused before it is
 * decoded (TF_ERR_FRAME_TOO_LARGE) at OVERSIZED_FRAME_COST. Smaller wrong sizes (a RESIZE of 5
 * bytes, a PING of 300) are decoded and answered TF_ERR_BAD_FRAME, as always.
 */
const ABUSE_BYTES = 4096;

/** Errors an oversized control frame costs from the connection's ErrorBudget. */
export const OVERSIZED_FRAME_COST = 10;

/** A frame refused before decoding: the error to answer and what it costs. */
export interface RefusedFrame {
  code: string;
  message: string;
  cost: number;
}

/**
 * Checks made on the raw bytes before a frame is decoded (and, with a transport that supports
 * WsHandler.refuse, before it is even copied): a control frame far over its size limit, and an
 * ATTACH whose JSON is not a flat object (`JSON.parse` of 2,048 nested arrays, the most a 4 KiB
 * ATTACH holds, allocates ~60 KiB of garbage; a flat object of a few keys is all ATTACH takes).
 * Null for a frame to decode.
 */
export function checkClientFrame(data: Buffer): RefusedFrame | null {
  if (data.length === 0) return null;
  const limit = CLIENT_FRAME_LIMITS[data[0]];
  const payload = data.length - 1;
  if (limit !== undefined && payload > Math.max(limit, ABUSE_BYTES)) {
    return { code: 'TF_ERR_FRAME_TOO_LARGE', message: `opcode 0x${data[0].toString(16).padStart(2, '0')} carries at most ${limit} bytes; got ${payload}`, cost: OVERSIZED_FRAME_COST };
  }
  if (data[0] === Opcode.ATTACH) {
    const shape = new JsonShapeScanner({ maxDepth: 1, maxKeys: 16 });
    if (!shape.feed(data.subarray(1))) return { code: 'TF_ERR_BAD_FRAME', message: 'ATTACH payload must be a flat JSON object', cost: 1 };
  }
  if (data[0] === Opcode.WATCH) {
    // An object whose values are scalars or one array of ids.
    const shape = new JsonShapeScanner({ maxDepth: 2, maxKeys: 300 });
    if (!shape.feed(data.subarray(1))) return { code: 'TF_ERR_BAD_FRAME', message: 'WATCH payload must be an object with at most an array of session ids', cost: 1 };
  }
  return null;
}
