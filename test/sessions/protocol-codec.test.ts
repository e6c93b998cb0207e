import { Opcode } from '../../src/sessions/opcode';
import { ProtocolCodec } from '../../src/sessions/protocol-codec';
import type { SessionInfo } from '../../src/plugin-api';

const info: SessionInfo = {
  id: '6f1c8a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f', name: 'bash ~', command: ['/bin/bash'], cwd: '/', pid: 1, state: 'running',
  exitCode: null, signal: null, cols: 80, rows: 24, createdAt: '2026-01-01T00:00:00.000Z', exitedAt: null, clients: 1, outputBytes: 5, hostId: null, lost: null, recording: false,
};

describe('ProtocolCodec', () => {
  it('decodes every client frame', () => {
    expect(ProtocolCodec.decodeClient(ProtocolCodec.attach({ sessionId: info.id, offset: 12, cols: 100, rows: 30 })))
      .toEqual({ type: 'attach', sessionId: info.id, offset: 12, cols: 100, rows: 30 });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.input('ls\r'))).toEqual({ type: 'input', data: Buffer.from('ls\r') });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.resize(300, 2))).toEqual({ type: 'resize', cols: 300, rows: 2 });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.control(Opcode.PAUSE))).toEqual({ type: 'pause' });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.control(Opcode.RESUME))).toEqual({ type: 'resume' });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.control(Opcode.DETACH))).toEqual({ type: 'detach' });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.ping(Buffer.from([1, 2, 3])))).toEqual({ type: 'ping', payload: Buffer.from([1, 2, 3]) });
  });

  it.each([
    ['empty frame', Buffer.alloc(0), 'TF_ERR_BAD_FRAME'],
    ['unknown opcode', Buffer.from([0x42, 1]), 'TF_ERR_UNKNOWN_OPCODE'],
    ['server opcode from a client', Buffer.from([Opcode.OUTPUT]), 'TF_ERR_UNKNOWN_OPCODE'],
    ['malformed ATTACH JSON', Buffer.concat([Buffer.from([Opcode.ATTACH]), Buffer.from('{"sessionId":')]), 'TF_ERR_BAD_FRAME'],
    ['ATTACH without sessionId', Buffer.concat([Buffer.from([Opcode.ATTACH]), Buffer.from('{"offset":1}')]), 'TF_ERR_BAD_REQUEST'],
    ['ATTACH with a negative offset', ProtocolCodec.attach({ sessionId: 'x', offset: -1 }), 'TF_ERR_BAD_REQUEST'],
    ['short RESIZE', Buffer.from([Opcode.RESIZE, 0, 80, 0]), 'TF_ERR_BAD_FRAME'],
    ['long RESIZE', Buffer.from([Opcode.RESIZE, 0, 80, 0, 24, 0]), 'TF_ERR_BAD_FRAME'],
    ['PAUSE with payload', Buffer.from([Opcode.PAUSE, 1]), 'TF_ERR_BAD_FRAME'],
    ['huge PING', ProtocolCodec.ping(Buffer.alloc(257)), 'TF_ERR_BAD_FRAME'],
  ])('rejects %s', (_what, frame, code) => {
    expect(ProtocolCodec.decodeClient(frame)).toMatchObject({ type: 'error', code });
  });

  it('rejects text frames', () => {
    expect(ProtocolCodec.decodeClient(ProtocolCodec.input('x'), false)).toMatchObject({ type: 'error', code: 'TF_ERR_BAD_FRAME' });
  });

  it('encodes server frames with the documented byte layout', () => {
    const output = ProtocolCodec.output(2 ** 32 + 5, Buffer.from('hi'));
    expect([...output]).toEqual([0x82, 0, 0, 0, 1, 0, 0, 0, 5, 0x68, 0x69]);
    const snapshot = ProtocolCodec.snapshot(7, 120, 40, Buffer.from('S'));
    expect([...snapshot]).toEqual([0x83, 0, 0, 0, 0, 0, 0, 0, 7, 0, 120, 0, 40, 0x53]);
    expect([...ProtocolCodec.resized(256, 1)]).toEqual([0x85, 1, 0, 0, 1]);
    expect([...ProtocolCodec.pong(Buffer.from([9]))]).toEqual([0x87, 9]);
    expect(JSON.parse(ProtocolCodec.exit(null, 'SIGKILL').subarray(1).toString())).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(ProtocolCodec.error('TF_ERR_X', 'm')[0]).toBe(0x86);
  });

  it('round-trips server frames through the client decoder', () => {
    expect(ProtocolCodec.decodeServer(ProtocolCodec.attached(info, 'viewer', 3)))
      .toEqual({ type: 'attached', protocol: 1, session: info, role: 'viewer', startOffset: 3 });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.output(Number.MAX_SAFE_INTEGER - 1, Buffer.from('z'))))
      .toEqual({ type: 'output', offset: Number.MAX_SAFE_INTEGER - 1, data: Buffer.from('z') });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.snapshot(1, 2, 3, Buffer.from('abc'))))
      .toEqual({ type: 'snapshot', offset: 1, cols: 2, rows: 3, data: Buffer.from('abc') });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.exit(3, null))).toEqual({ type: 'exit', exitCode: 3, signal: null });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.error('TF_ERR_A', 'b'))).toEqual({ type: 'error', code: 'TF_ERR_A', message: 'b' });
  });
});
