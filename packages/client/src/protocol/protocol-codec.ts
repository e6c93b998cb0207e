import type { Role, SessionInfo } from '../http/api-schemas';
import type { AttachRequest, ClientFrame, WatchRequest } from './client-frame';
import { frameOf, jsonFrame, jsonPayload, readOffset, sizeFrame, utf8, viewOf, withPayload, writeOffset } from './frame-bytes';
import { Opcode } from './opcode';
import { PROTOCOL_VERSION } from './protocol-version';
import type { PreviewFrame, ServerFrame, SessionEventFrame } from './server-frame';

/** Largest PING payload the server echoes. */
const MAX_PING_BYTES = 256;
/** Bytes before an OUTPUT payload: opcode + u64 offset. */
const OUTPUT_HEADER_BYTES = 9;
/** Bytes before a SNAPSHOT's screen: opcode + u64 offset + u16 cols + u16 rows. */
const SNAPSHOT_HEADER_BYTES = 13;

function badFrame(message: string): ClientFrame<never> {
  return { type: 'error', code: 'TF_ERR_BAD_FRAME', message };
}

function noPayload<B extends Uint8Array>(bytes: B, frame: ClientFrame<B>, name: string): ClientFrame<B> {
  return bytes.length === 1 ? frame : badFrame(`${name} takes no payload`);
}

/** Payloads are views into the decoded frame; `subarray` keeps the frame's own type (a Buffer stays a Buffer). */
function tail<B extends Uint8Array>(bytes: B, from: number): B {
  return bytes.subarray(from) as B;
}

/**
 * Protocol v1 (docs/protocol.md), both directions: one opcode byte, then the payload. Offsets are
 * unsigned 64-bit big-endian (two u32), sizes u16 big-endian, control payloads UTF-8 JSON. Only
 * `Uint8Array`, `DataView` and `TextEncoder`, so it runs in browsers and in Node alike; this is the
 * one place the byte layout is written down in code (the agent uses it too).
 */
export const ProtocolCodec = {
  VERSION: PROTOCOL_VERSION,
  OUTPUT_HEADER_BYTES,
  MAX_PING_BYTES,

  // Client → server.

  attach(request: AttachRequest): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.ATTACH, request);
  },

  /** INPUT: text (sent as UTF-8) or raw bytes. Split large input first (see `chunkUtf8`): the server takes frames up to 1 MiB. */
  input(data: string | Uint8Array): Uint8Array<ArrayBuffer> {
    return withPayload(Opcode.INPUT, typeof data === 'string' ? utf8(data) : data);
  },

  resize(cols: number, rows: number): Uint8Array<ArrayBuffer> {
    return sizeFrame(Opcode.RESIZE, cols, rows);
  },

  /** PAUSE, RESUME or DETACH: the opcode alone. */
  control(opcode: typeof Opcode.PAUSE | typeof Opcode.RESUME | typeof Opcode.DETACH): Uint8Array<ArrayBuffer> {
    return frameOf(opcode, 0);
  },

  ping(payload: Uint8Array = new Uint8Array(0)): Uint8Array<ArrayBuffer> {
    return withPayload(Opcode.PING, payload);
  },

  /** WATCH: follow many sessions (see {@link WatchRequest}). */
  watch(request: WatchRequest): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.WATCH, request);
  },

  /** UNWATCH: stop following sessions. */
  unwatch(): Uint8Array<ArrayBuffer> {
    return frameOf(Opcode.UNWATCH, 0);
  },

  /** Decode a client frame (the server's side). Never throws: a bad frame is `{ type: 'error' }`. */
  decodeClient<B extends Uint8Array>(bytes: B, isBinary = true): ClientFrame<B> {
    if (!isBinary) return badFrame('only binary frames are accepted');
    if (bytes.length === 0) return badFrame('empty frame');
    switch (bytes[0]) {
      case Opcode.ATTACH:
        try {
          return { type: 'attach', request: jsonPayload(bytes) };
        } catch {
          return badFrame('ATTACH payload is not valid JSON');
        }
      case Opcode.INPUT:
        return { type: 'input', data: tail(bytes, 1) };
      case Opcode.RESIZE: {
        if (bytes.length !== 5) return badFrame('RESIZE payload must be 4 bytes (u16 cols, u16 rows)');
        const view = viewOf(bytes);
        return { type: 'resize', cols: view.getUint16(1), rows: view.getUint16(3) };
      }
      case Opcode.PAUSE:
        return noPayload(bytes, { type: 'pause' }, 'PAUSE');
      case Opcode.RESUME:
        return noPayload(bytes, { type: 'resume' }, 'RESUME');
      case Opcode.DETACH:
        return noPayload(bytes, { type: 'detach' }, 'DETACH');
      case Opcode.WATCH:
        try {
          return { type: 'watch', request: jsonPayload(bytes) };
        } catch {
          return badFrame('WATCH payload is not valid JSON');
        }
      case Opcode.UNWATCH:
        return noPayload(bytes, { type: 'unwatch' }, 'UNWATCH');
      case Opcode.PING:
        if (bytes.length - 1 > MAX_PING_BYTES) return badFrame(`PING payload exceeds ${MAX_PING_BYTES} bytes`);
        return { type: 'ping', payload: tail(bytes, 1) };
      default:
        return { type: 'error', code: 'TF_ERR_UNKNOWN_OPCODE', message: `unknown opcode 0x${bytes[0].toString(16).padStart(2, '0')}` };
    }
  },

  // Server → client.

  attached(session: SessionInfo, role: Role, startOffset: number): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.ATTACHED, { protocol: PROTOCOL_VERSION, session, role, startOffset });
  },

  /**
   * Write the OUTPUT header (opcode, offset) into the first {@link OUTPUT_HEADER_BYTES} bytes of
   * `frame`; the caller allocates the frame and puts the payload after the header (the agent copies
   * straight from its ring, with no intermediate buffer).
   */
  writeOutputHeader(frame: Uint8Array, offset: number): void {
    frame[0] = Opcode.OUTPUT;
    writeOffset(frame, 1, offset);
  },

  output(offset: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
    const frame = new Uint8Array(OUTPUT_HEADER_BYTES + payload.length);
    ProtocolCodec.writeOutputHeader(frame, offset);
    frame.set(payload, OUTPUT_HEADER_BYTES);
    return frame;
  },

  snapshot(offset: number, cols: number, rows: number, screen: Uint8Array): Uint8Array<ArrayBuffer> {
    const frame = frameOf(Opcode.SNAPSHOT, SNAPSHOT_HEADER_BYTES - 1 + screen.length);
    writeOffset(frame, 1, offset);
    const view = viewOf(frame);
    view.setUint16(9, cols);
    view.setUint16(11, rows);
    frame.set(screen, SNAPSHOT_HEADER_BYTES);
    return frame;
  },

  exit(exitCode: number | null, signal: string | null): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.EXIT, { exitCode, signal });
  },

  resized(cols: number, rows: number): Uint8Array<ArrayBuffer> {
    return sizeFrame(Opcode.RESIZED, cols, rows);
  },

  error(code: string, message: string): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.ERROR, { code, message });
  },

  pong(payload: Uint8Array): Uint8Array<ArrayBuffer> {
    return withPayload(Opcode.PONG, payload);
  },

  watching(all: boolean, sessions: SessionInfo[]): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.WATCHING, { all, sessions });
  },

  preview(preview: Omit<PreviewFrame, 'type'>): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.PREVIEW, preview);
  },

  sessionEvent(event: SessionEventFrame['event']): Uint8Array<ArrayBuffer> {
    return jsonFrame(Opcode.SESSION_EVENT, event);
  },

  /** Decode a server frame (the client's side); throws on a malformed one (a broken stream or server). */
  decodeServer<B extends Uint8Array>(bytes: B): ServerFrame<B> {
    const json = () => {
      const value = jsonPayload(bytes);
      if (typeof value !== 'object' || value === null) throw new Error(`0x${bytes[0].toString(16)} frame: JSON payload is not an object`);
      return value as Record<string, unknown>;
    };
    switch (bytes[0]) {
      case Opcode.ATTACHED: {
        const value = json();
        return { type: 'attached', protocol: Number(value.protocol), session: value.session as SessionInfo, role: value.role as Role, startOffset: Number(value.startOffset) };
      }
      case Opcode.OUTPUT:
        if (bytes.length < OUTPUT_HEADER_BYTES) throw new Error('short OUTPUT frame');
        return { type: 'output', offset: readOffset(bytes, 1), data: tail(bytes, OUTPUT_HEADER_BYTES) };
      case Opcode.SNAPSHOT: {
        if (bytes.length < SNAPSHOT_HEADER_BYTES) throw new Error('short SNAPSHOT frame');
        const view = viewOf(bytes);
        return { type: 'snapshot', offset: readOffset(bytes, 1), cols: view.getUint16(9), rows: view.getUint16(11), data: tail(bytes, SNAPSHOT_HEADER_BYTES) };
      }
      case Opcode.EXIT: {
        const value = json();
        return { type: 'exit', exitCode: (value.exitCode ?? null) as number | null, signal: (value.signal ?? null) as string | null };
      }
      case Opcode.RESIZED: {
        if (bytes.length !== 5) throw new Error('bad RESIZED frame');
        const view = viewOf(bytes);
        return { type: 'resized', cols: view.getUint16(1), rows: view.getUint16(3) };
      }
      case Opcode.ERROR: {
        const value = json();
        return { type: 'error', code: String(value.code), message: String(value.message) };
      }
      case Opcode.PONG:
        return { type: 'pong', payload: tail(bytes, 1) };
      case Opcode.WATCHING: {
        const value = json();
        return { type: 'watching', all: value.all === true, sessions: (Array.isArray(value.sessions) ? value.sessions : []) as SessionInfo[] };
      }
      case Opcode.PREVIEW: {
        const value = json();
        return { type: 'preview', sessionId: String(value.sessionId), outputBytes: Number(value.outputBytes), cols: Number(value.cols), rows: Number(value.rows), text: String(value.text ?? '') };
      }
      case Opcode.SESSION_EVENT:
        return { type: 'session-event', event: json() as SessionEventFrame['event'] };
      default:
        throw new Error(`unknown server opcode 0x${(bytes[0] ?? 0).toString(16)}`);
    }
  },
};
