import { Opcode, ProtocolCodec } from '@tunnelforge/client';
import { decodeClientMessage } from '../../src/sessions/client-message';

const asBuffer = (frame: Uint8Array) => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);

// The agent's side of the codec: the package decodes, the agent validates ATTACH with its schema.
describe('decodeClientMessage', () => {
  it('passes a valid ATTACH and every other frame through', () => {
    expect(decodeClientMessage(asBuffer(ProtocolCodec.attach({ sessionId: 's', offset: 12, cols: 100, rows: 30 })), true))
      .toEqual({ type: 'attach', sessionId: 's', offset: 12, cols: 100, rows: 30 });
    expect(decodeClientMessage(asBuffer(ProtocolCodec.input('ls\r')), true)).toEqual({ type: 'input', data: Buffer.from('ls\r') });
    expect(decodeClientMessage(asBuffer(ProtocolCodec.control(Opcode.PAUSE)), true)).toEqual({ type: 'pause' });
  });

  it.each([
    ['ATTACH without sessionId', Buffer.concat([Buffer.from([Opcode.ATTACH]), Buffer.from('{"offset":1}')]), 'TF_ERR_BAD_REQUEST'],
    ['ATTACH with a negative offset', asBuffer(ProtocolCodec.attach({ sessionId: 'x', offset: -1 })), 'TF_ERR_BAD_REQUEST'],
    ['ATTACH with a fractional size', asBuffer(ProtocolCodec.attach({ sessionId: 'x', cols: 1.5 })), 'TF_ERR_BAD_REQUEST'],
    ['ATTACH that is not an object', Buffer.concat([Buffer.from([Opcode.ATTACH]), Buffer.from('42')]), 'TF_ERR_BAD_REQUEST'],
    ['malformed ATTACH JSON', Buffer.concat([Buffer.from([Opcode.ATTACH]), Buffer.from('{"sessionId":')]), 'TF_ERR_BAD_FRAME'],
    ['unknown opcode', Buffer.from([0x42]), 'TF_ERR_UNKNOWN_OPCODE'],
  ])('answers %s with %s', (_what, frame, code) => {
    expect(decodeClientMessage(frame, true)).toMatchObject({ type: 'error', code });
  });
});
