import { Opcode } from '../sessions/opcode';
import type { ServerFrame } from './server-frame';

const TWO_32 = 0x1_0000_0000;
const utf8 = new TextEncoder();
const text = new TextDecoder();

function withOpcode(opcode: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(1 + payload.length);
  frame[0] = opcode;
  frame.set(payload, 1);
  return frame;
}

function sizeFrame(opcode: number, cols: number, rows: number): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(5);
  const view = new DataView(frame.buffer);
  frame[0] = opcode;
  view.setUint16(1, cols);
  view.setUint16(3, rows);
  return frame;
}

function json(bytes: Uint8Array): Record<string, unknown> {
  return JSON.parse(text.decode(bytes)) as Record<string, unknown>;
}

/** Protocol v1 frames for the browser (the server's codec is src/sessions/protocol-codec.ts). */
export const FrameCodec = {
  attach(request: { sessionId: string; offset?: number; cols?: number; rows?: number }): Uint8Array<ArrayBuffer> {
    return withOpcode(Opcode.ATTACH, utf8.encode(JSON.stringify(request)));
  },
  input(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
    return withOpcode(Opcode.INPUT, bytes);
  },
  resize(cols: number, rows: number): Uint8Array<ArrayBuffer> {
    return sizeFrame(Opcode.RESIZE, cols, rows);
  },
  ping(payload: Uint8Array): Uint8Array<ArrayBuffer> {
    return withOpcode(Opcode.PING, payload);
  },
  control(opcode: typeof Opcode.PAUSE | typeof Opcode.RESUME | typeof Opcode.DETACH): Uint8Array<ArrayBuffer> {
    return withOpcode(opcode);
  },

  /** Decode a server frame; throws on a malformed one. */
  decode(buffer: ArrayBuffer): ServerFrame {
    const bytes = new Uint8Array(buffer);
    const view = new DataView(buffer);
    const offsetAt = (at: number) => view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
    switch (bytes[0]) {
      case Opcode.ATTACHED: {
        const value = json(bytes.subarray(1));
        return { type: 'attached', protocol: value.protocol as number, session: value.session as never, role: value.role as never, startOffset: value.startOffset as number };
      }
      case Opcode.OUTPUT:
        if (bytes.length < 9) throw new Error('short OUTPUT frame');
        return { type: 'output', offset: offsetAt(1), data: bytes.subarray(9) };
      case Opcode.SNAPSHOT:
        if (bytes.length < 13) throw new Error('short SNAPSHOT frame');
        return { type: 'snapshot', offset: offsetAt(1), cols: view.getUint16(9), rows: view.getUint16(11), data: bytes.subarray(13) };
      case Opcode.EXIT: {
        const value = json(bytes.subarray(1));
        return { type: 'exit', exitCode: value.exitCode as number | null, signal: value.signal as string | null };
      }
      case Opcode.RESIZED:
        if (bytes.length !== 5) throw new Error('bad RESIZED frame');
        return { type: 'resized', cols: view.getUint16(1), rows: view.getUint16(3) };
      case Opcode.ERROR: {
        const value = json(bytes.subarray(1));
        return { type: 'error', code: String(value.code), message: String(value.message) };
      }
      case Opcode.PONG:
        return { type: 'pong', payload: bytes.subarray(1) };
      default:
        throw new Error(`unknown server opcode 0x${(bytes[0] ?? 0).toString(16)}`);
    }
  },
};
