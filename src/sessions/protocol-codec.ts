import { z } from 'zod';
import type { Role, SessionInfo } from '../plugin-api';
import { Opcode } from './opcode';

/** Protocol version announced in ATTACHED. */
const PROTOCOL_VERSION = 1;

/** Largest PING payload echoed back. */
const MAX_PING_BYTES = 256;
/** Offsets travel as two u32 (high, low); JS numbers are exact up to 2^53. */
const TWO_32 = 0x1_0000_0000;

const attachSchema = z.object({
  sessionId: z.string().min(1).max(200),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  cols: z.number().int().optional(),
  rows: z.number().int().optional(),
});

/** A decoded client → server frame. */
export type ClientMessage =
  | { type: 'attach'; sessionId: string; offset?: number; cols?: number; rows?: number }
  | { type: 'input'; data: Buffer }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'ping'; payload: Buffer }
  | { type: 'detach' }
  | { type: 'error'; code: string; message: string };

/** A decoded server → client frame (used by clients and tests). */
export type ServerMessage =
  | { type: 'attached'; protocol: number; session: SessionInfo; role: Role; startOffset: number }
  | { type: 'output'; offset: number; data: Buffer }
  | { type: 'snapshot'; offset: number; cols: number; rows: number; data: Buffer }
  | { type: 'exit'; exitCode: number | null; signal: string | null }
  | { type: 'resized'; cols: number; rows: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong'; payload: Buffer };

function frame(opcode: number, payloadLength: number): Buffer {
  const out = Buffer.allocUnsafe(1 + payloadLength);
  out[0] = opcode;
  return out;
}

function jsonFrame(opcode: number, value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const out = frame(opcode, json.length);
  json.copy(out, 1);
  return out;
}

function writeOffset(target: Buffer, at: number, offset: number): void {
  target.writeUInt32BE(Math.floor(offset / TWO_32), at);
  target.writeUInt32BE(offset % TWO_32, at + 4);
}

function readOffset(source: Buffer, at: number): number {
  return source.readUInt32BE(at) * TWO_32 + source.readUInt32BE(at + 4);
}

function bad(code: string, message: string): ClientMessage {
  return { type: 'error', code, message };
}

function noPayload(data: Buffer, message: ClientMessage, name: string): ClientMessage {
  return data.length === 1 ? message : bad('TF_ERR_BAD_FRAME', `${name} takes no payload`);
}

/**
 * Encoding and decoding of protocol v1 frames: one opcode byte, then the payload. Offsets are
 * unsigned 64-bit big-endian (written as two u32), sizes u16 big-endian, control payloads JSON.
 */
export const ProtocolCodec = {
  VERSION: PROTOCOL_VERSION,
  /** Bytes before an OUTPUT payload: opcode + 8-byte offset. */
  OUTPUT_HEADER_BYTES: 9,

  decodeClient(data: Buffer, isBinary = true): ClientMessage {
    if (!isBinary) return bad('TF_ERR_BAD_FRAME', 'only binary frames are accepted');
    if (data.length === 0) return bad('TF_ERR_BAD_FRAME', 'empty frame');
    switch (data[0]) {
      case Opcode.ATTACH: {
        let json: unknown;
        try {
          json = JSON.parse(data.toString('utf8', 1));
        } catch {
          return bad('TF_ERR_BAD_FRAME', 'ATTACH payload is not valid JSON');
        }
        const parsed = attachSchema.safeParse(json);
        if (!parsed.success) return bad('TF_ERR_BAD_REQUEST', `ATTACH: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
        return { type: 'attach', ...parsed.data };
      }
      case Opcode.INPUT:
        return { type: 'input', data: data.subarray(1) };
      case Opcode.RESIZE:
        if (data.length !== 5) return bad('TF_ERR_BAD_FRAME', 'RESIZE payload must be 4 bytes (u16 cols, u16 rows)');
        return { type: 'resize', cols: data.readUInt16BE(1), rows: data.readUInt16BE(3) };
      case Opcode.PAUSE:
        return noPayload(data, { type: 'pause' }, 'PAUSE');
      case Opcode.RESUME:
        return noPayload(data, { type: 'resume' }, 'RESUME');
      case Opcode.DETACH:
        return noPayload(data, { type: 'detach' }, 'DETACH');
      case Opcode.PING:
        if (data.length - 1 > MAX_PING_BYTES) return bad('TF_ERR_BAD_FRAME', `PING payload exceeds ${MAX_PING_BYTES} bytes`);
        return { type: 'ping', payload: data.subarray(1) };
      default:
        return bad('TF_ERR_UNKNOWN_OPCODE', `unknown opcode 0x${data[0].toString(16).padStart(2, '0')}`);
    }
  },

  attached(session: SessionInfo, role: Role, startOffset: number): Buffer {
    return jsonFrame(Opcode.ATTACHED, { protocol: PROTOCOL_VERSION, session, role, startOffset });
  },

  /** An OUTPUT frame with room for `payloadLength` bytes after the header (filled by the caller). */
  outputFrame(offset: number, payloadLength: number): Buffer {
    const out = frame(Opcode.OUTPUT, 8 + payloadLength);
    writeOffset(out, 1, offset);
    return out;
  },

  output(offset: number, payload: Uint8Array): Buffer {
    const out = ProtocolCodec.outputFrame(offset, payload.length);
    out.set(payload, 9);
    return out;
  },

  snapshot(offset: number, cols: number, rows: number, data: Uint8Array): Buffer {
    const out = frame(Opcode.SNAPSHOT, 12 + data.length);
    writeOffset(out, 1, offset);
    out.writeUInt16BE(cols, 9);
    out.writeUInt16BE(rows, 11);
    out.set(data, 13);
    return out;
  },

  exit(exitCode: number | null, signal: string | null): Buffer {
    return jsonFrame(Opcode.EXIT, { exitCode, signal });
  },

  resized(cols: number, rows: number): Buffer {
    const out = frame(Opcode.RESIZED, 4);
    out.writeUInt16BE(cols, 1);
    out.writeUInt16BE(rows, 3);
    return out;
  },

  error(code: string, message: string): Buffer {
    return jsonFrame(Opcode.ERROR, { code, message });
  },

  pong(payload: Uint8Array): Buffer {
    const out = frame(Opcode.PONG, payload.length);
    out.set(payload, 1);
    return out;
  },

  // Client side (tests, reference for client authors).

  attach(request: { sessionId: string; offset?: number; cols?: number; rows?: number }): Buffer {
    return jsonFrame(Opcode.ATTACH, request);
  },

  input(data: string | Uint8Array): Buffer {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const out = frame(Opcode.INPUT, bytes.length);
    out.set(bytes, 1);
    return out;
  },

  resize(cols: number, rows: number): Buffer {
    const out = frame(Opcode.RESIZE, 4);
    out.writeUInt16BE(cols, 1);
    out.writeUInt16BE(rows, 3);
    return out;
  },

  control(opcode: typeof Opcode.PAUSE | typeof Opcode.RESUME | typeof Opcode.DETACH): Buffer {
    return frame(opcode, 0);
  },

  ping(payload: Uint8Array = Buffer.alloc(0)): Buffer {
    const out = frame(Opcode.PING, payload.length);
    out.set(payload, 1);
    return out;
  },

  /** Decode a server frame; throws on anything malformed (a client bug or a corrupted stream). */
  decodeServer(data: Buffer): ServerMessage {
    const json = (): Record<string, unknown> => JSON.parse(data.toString('utf8', 1)) as Record<string, unknown>;
    switch (data[0]) {
      case Opcode.ATTACHED: {
        const value = json();
        return { type: 'attached', protocol: value.protocol as number, session: value.session as SessionInfo, role: value.role as Role, startOffset: value.startOffset as number };
      }
      case Opcode.OUTPUT:
        if (data.length < 9) throw new Error('short OUTPUT frame');
        return { type: 'output', offset: readOffset(data, 1), data: data.subarray(9) };
      case Opcode.SNAPSHOT:
        if (data.length < 13) throw new Error('short SNAPSHOT frame');
        return { type: 'snapshot', offset: readOffset(data, 1), cols: data.readUInt16BE(9), rows: data.readUInt16BE(11), data: data.subarray(13) };
      case Opcode.EXIT: {
        const value = json();
        return { type: 'exit', exitCode: value.exitCode as number | null, signal: value.signal as string | null };
      }
      case Opcode.RESIZED:
        if (data.length !== 5) throw new Error('bad RESIZED frame');
        return { type: 'resized', cols: data.readUInt16BE(1), rows: data.readUInt16BE(3) };
      case Opcode.ERROR: {
        const value = json();
        return { type: 'error', code: value.code as string, message: value.message as string };
      }
      case Opcode.PONG:
        return { type: 'pong', payload: data.subarray(1) };
      default:
        throw new Error(`unknown server opcode 0x${(data[0] ?? 0).toString(16)}`);
    }
  },
};
