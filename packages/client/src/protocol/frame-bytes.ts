// Byte helpers shared by the encoders and decoders (not exported from the package).

/** Offsets travel as two u32 (high, low); JS numbers are exact up to 2^53. */
const TWO_32 = 0x1_0000_0000;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A frame of `1 + payloadLength` bytes with its opcode set. */
export function frameOf(opcode: number, payloadLength: number): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(1 + payloadLength);
  frame[0] = opcode;
  return frame;
}

/** The opcode, then `payload` copied after it. */
export function withPayload(opcode: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const frame = frameOf(opcode, payload.length);
  frame.set(payload, 1);
  return frame;
}

export function jsonFrame(opcode: number, value: unknown): Uint8Array<ArrayBuffer> {
  return withPayload(opcode, utf8Encoder.encode(JSON.stringify(value)));
}

/** A DataView over exactly the bytes of `bytes` (a Buffer may sit inside a larger pool). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function writeOffset(target: Uint8Array, at: number, offset: number): void {
  const view = viewOf(target);
  view.setUint32(at, Math.floor(offset / TWO_32));
  view.setUint32(at + 4, offset % TWO_32);
}

export function readOffset(source: Uint8Array, at: number): number {
  const view = viewOf(source);
  return view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
}

export function sizeFrame(opcode: number, cols: number, rows: number): Uint8Array<ArrayBuffer> {
  const frame = frameOf(opcode, 4);
  const view = viewOf(frame);
  view.setUint16(1, cols);
  view.setUint16(3, rows);
  return frame;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

/** The JSON payload after the opcode; throws on bytes that are not JSON. */
export function jsonPayload(frame: Uint8Array): unknown {
  return JSON.parse(utf8Decoder.decode(frame.subarray(1)));
}
