/**
 * The wire format between the agent and its session host: length-prefixed binary frames on a local
 * socket. `u32 length` (of what follows), `u8 type`, then the payload. The hot messages (OUTPUT,
 * INPUT, RESIZE, PAUSE, RESUME) are fixed binary layouts addressed by a numeric session handle;
 * everything rare (handshake, create, list, exit) is JSON. Version 1; a HELLO names the version and
 * a host of another one refuses the agent with a reason.
 */
export const HOST_PROTOCOL = 1;

/** Frame types; `0x0_` agent → host, `0x8_` host → agent. */
export const HostFrame = {
  HELLO: 0x01,
  REQUEST: 0x02,
  INPUT: 0x03,
  RESIZE: 0x04,
  PAUSE: 0x05,
  RESUME: 0x06,
  WELCOME: 0x81,
  REFUSED: 0x82,
  REPLY: 0x83,
  OUTPUT: 0x84,
  EXIT: 0x85,
  RING: 0x86,
  NOTICE: 0x87,
} as const;
export type HostFrameType = (typeof HostFrame)[keyof typeof HostFrame];

/** Largest frame either side accepts: a ring dump of the largest ring plus headroom. */
export const MAX_HOST_FRAME = 300 * 1024 * 1024;

const TWO_32 = 0x1_0000_0000;

function header(type: number, payloadLength: number): Buffer {
  const out = Buffer.allocUnsafe(5 + payloadLength);
  out.writeUInt32BE(1 + payloadLength, 0);
  out[4] = type;
  return out;
}

/** A JSON frame (handshake, requests, replies, exits). */
export function jsonFrame(type: number, value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const out = header(type, json.length);
  json.copy(out, 5);
  return out;
}

/** The 17 bytes before an OUTPUT frame's data (written before the chunks themselves: no copy of the data). */
export function outputHeader(handle: number, offset: number, total: number): Buffer {
  const out = Buffer.allocUnsafe(17);
  out.writeUInt32BE(13 + total, 0);
  out[4] = HostFrame.OUTPUT;
  out.writeUInt32BE(handle, 5);
  out.writeUInt32BE(Math.floor(offset / TWO_32), 9);
  out.writeUInt32BE(offset % TWO_32, 13);
  return out;
}

/** OUTPUT: `u32 handle, u64 offset, bytes` (offset of the first byte in the session's stream). */
export function outputFrame(handle: number, offset: number, chunks: readonly Uint8Array[], total: number): Buffer {
  const out = header(HostFrame.OUTPUT, 12 + total);
  out.writeUInt32BE(handle, 5);
  out.writeUInt32BE(Math.floor(offset / TWO_32), 9);
  out.writeUInt32BE(offset % TWO_32, 13);
  let at = 17;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** RING (a reply to `ring`): `u32 request id, u64 start offset, bytes`. */
export function ringFrame(requestId: number, start: number, data: Uint8Array): Buffer {
  const out = header(HostFrame.RING, 12 + data.length);
  out.writeUInt32BE(requestId, 5);
  out.writeUInt32BE(Math.floor(start / TWO_32), 9);
  out.writeUInt32BE(start % TWO_32, 13);
  out.set(data, 17);
  return out;
}

/** INPUT: `u32 handle, bytes`. */
export function inputFrame(handle: number, data: Uint8Array): Buffer {
  const out = header(HostFrame.INPUT, 4 + data.length);
  out.writeUInt32BE(handle, 5);
  out.set(data, 9);
  return out;
}

/** RESIZE: `u32 handle, u16 cols, u16 rows`. */
export function resizeFrame(handle: number, cols: number, rows: number): Buffer {
  const out = header(HostFrame.RESIZE, 8);
  out.writeUInt32BE(handle, 5);
  out.writeUInt16BE(cols, 9);
  out.writeUInt16BE(rows, 11);
  return out;
}

/** PAUSE / RESUME: `u32 handle`. */
export function flowFrame(type: typeof HostFrame.PAUSE | typeof HostFrame.RESUME, handle: number): Buffer {
  const out = header(type, 4);
  out.writeUInt32BE(handle, 5);
  return out;
}

export function readOffset(frame: Buffer, at: number): number {
  return frame.readUInt32BE(at) * TWO_32 + frame.readUInt32BE(at + 4);
}

/**
 * Splits a byte stream into frames. Feed it socket chunks; it calls `onFrame(type, payload)` for
 * each complete frame (the payload is a view into a buffer it will not reuse) and `onError` once
 * for a frame that is empty or larger than `maxFrame` (the stream is then unusable).
 */
export class HostFrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;

  constructor(
    /** Where frames go; replace it when the link changes hands (handshake → session traffic). */
    public onFrame: (type: number, payload: Buffer) => void,
    public onError: (message: string) => void,
    /** Largest frame accepted now (raise it once the peer is authenticated). */
    public maxFrame = MAX_HOST_FRAME,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= 4) {
      const head = this.peek(4);
      const length = head.readUInt32BE(0);
      if (length === 0 || length > this.maxFrame) {
        this.failed = true;
        this.onError(`bad frame length ${length}`);
        return;
      }
      if (this.pendingBytes < 4 + length) return;
      const frame = this.take(4 + length);
      this.onFrame(frame[4], frame.subarray(5));
      if (this.failed) return;
    }
  }

  /** The first `n` bytes (n ≤ what is pending), copying only when they span chunks. */
  private peek(n: number): Buffer {
    if (this.pending[0].length >= n) return this.pending[0];
    return this.gather(n, false);
  }

  private take(n: number): Buffer {
    const first = this.pending[0];
    this.pendingBytes -= n;
    if (first.length === n) {
      this.pending.shift();
      return first;
    }
    if (first.length > n) {
      this.pending[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    return this.gather(n, true);
  }

  /**
   * Copy the first `n` pending bytes into one buffer (consuming them when `consume`): never more than
   * the frame. The consumed chunks leave the list in one splice: a frame that came in a byte at a
   * time is 300,000 chunks, and a shift() each would make it quadratic.
   */
  private gather(n: number, consume: boolean): Buffer {
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    let index = 0;
    while (at < n) {
      const chunk = this.pending[index];
      const used = Math.min(chunk.length, n - at);
      chunk.copy(out, at, 0, used);
      at += used;
      if (consume && used < chunk.length) this.pending[index] = chunk.subarray(used);
      else index++;
    }
    if (consume) this.pending.splice(0, index);
    return out;
  }
}
