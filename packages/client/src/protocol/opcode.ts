/**
 * Opcodes of WebSocket protocol v1 (docs/protocol.md): the first byte of every binary frame.
 * Client → server opcodes are below 0x80, server → client ones have the high bit set.
 */
export const Opcode = {
  ATTACH: 0x01,
  INPUT: 0x02,
  RESIZE: 0x03,
  PAUSE: 0x04,
  RESUME: 0x05,
  PING: 0x06,
  DETACH: 0x07,
  WATCH: 0x08,
  UNWATCH: 0x09,
  ATTACHED: 0x81,
  OUTPUT: 0x82,
  SNAPSHOT: 0x83,
  EXIT: 0x84,
  RESIZED: 0x85,
  ERROR: 0x86,
  PONG: 0x87,
  WATCHING: 0x88,
  PREVIEW: 0x89,
  SESSION_EVENT: 0x8a,
} as const;

export type Opcode = (typeof Opcode)[keyof typeof Opcode];
