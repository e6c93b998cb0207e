import { chunkUtf8, Opcode, ProtocolCodec, type SessionInfo } from '@tunnelforge/client';

const info: SessionInfo = {
  id: '6f1c8a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f', name: 'bash ~', command: ['/bin/bash'], cwd: '/', pid: 1, state: 'running',
  exitCode: null, signal: null, cols: 80, rows: 24, createdAt: '2026-01-01T00:00:00.000Z', exitedAt: null, clients: 1, outputBytes: 5, hostId: null, lost: null, recording: false, title: null, lastOutputAt: null, active: false, foreground: null, lastCommand: null,
};
const bytes = (...values: number[]) => new Uint8Array(values);
const text = (value: string) => new TextEncoder().encode(value);

// The one protocol v1 codec (@tunnelforge/client): the agent, the web page, the bench and the tests all use it.
describe('ProtocolCodec', () => {
  it('encodes client frames with the documented byte layout (docs/protocol.md §3)', () => {
    expect([...ProtocolCodec.input('ls\r')]).toEqual([0x02, 0x6c, 0x73, 0x0d]);
    expect([...ProtocolCodec.resize(120, 40)]).toEqual([0x03, 0, 120, 0, 40]);
    expect([...ProtocolCodec.control(Opcode.PAUSE)]).toEqual([0x04]);
    expect([...ProtocolCodec.control(Opcode.RESUME)]).toEqual([0x05]);
    expect([...ProtocolCodec.ping(bytes(0, 0, 1, 0x8c))]).toEqual([0x06, 0, 0, 1, 0x8c]);
    expect([...ProtocolCodec.control(Opcode.DETACH)]).toEqual([0x07]);
    const attach = ProtocolCodec.attach({ sessionId: 'a', offset: 1234 });
    expect(attach[0]).toBe(0x01);
    expect(new TextDecoder().decode(attach.subarray(1))).toBe('{"sessionId":"a","offset":1234}');
  });

  it('decodes every client frame (ATTACH JSON is handed over unchecked: the receiver validates it)', () => {
    expect(ProtocolCodec.decodeClient(ProtocolCodec.attach({ sessionId: info.id, offset: 12, cols: 100, rows: 30 })))
      .toEqual({ type: 'attach', request: { sessionId: info.id, offset: 12, cols: 100, rows: 30 } });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.attach({ offset: -1 } as never))).toEqual({ type: 'attach', request: { offset: -1 } });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.input('ls\r'))).toEqual({ type: 'input', data: text('ls\r') });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.resize(300, 2))).toEqual({ type: 'resize', cols: 300, rows: 2 });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.control(Opcode.PAUSE))).toEqual({ type: 'pause' });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.control(Opcode.RESUME))).toEqual({ type: 'resume' });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.control(Opcode.DETACH))).toEqual({ type: 'detach' });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.ping(bytes(1, 2, 3)))).toEqual({ type: 'ping', payload: bytes(1, 2, 3) });
    expect(ProtocolCodec.decodeClient(ProtocolCodec.watch({ all: true, previews: false }))).toEqual({ type: 'watch', request: { all: true, previews: false } });
    expect([...ProtocolCodec.unwatch()]).toEqual([0x09]);
    expect(ProtocolCodec.decodeClient(ProtocolCodec.unwatch())).toEqual({ type: 'unwatch' });
    expect(ProtocolCodec.watch({ sessionIds: ['a'] })[0]).toBe(0x08);
  });

  it.each([
    ['empty frame', bytes(), 'TF_ERR_BAD_FRAME'],
    ['unknown opcode', bytes(0x42, 1), 'TF_ERR_UNKNOWN_OPCODE'],
    ['server opcode from a client', bytes(Opcode.OUTPUT), 'TF_ERR_UNKNOWN_OPCODE'],
    ['malformed ATTACH JSON', new Uint8Array([Opcode.ATTACH, ...text('{"sessionId":')]), 'TF_ERR_BAD_FRAME'],
    ['short RESIZE', bytes(Opcode.RESIZE, 0, 80, 0), 'TF_ERR_BAD_FRAME'],
    ['long RESIZE', bytes(Opcode.RESIZE, 0, 80, 0, 24, 0), 'TF_ERR_BAD_FRAME'],
    ['PAUSE with payload', bytes(Opcode.PAUSE, 1), 'TF_ERR_BAD_FRAME'],
    ['DETACH with payload', bytes(Opcode.DETACH, 1), 'TF_ERR_BAD_FRAME'],
    ['UNWATCH with payload', bytes(Opcode.UNWATCH, 1), 'TF_ERR_BAD_FRAME'],
    ['malformed WATCH JSON', new Uint8Array([Opcode.WATCH, ...text('{"all":')]), 'TF_ERR_BAD_FRAME'],
    ['WATCHING from a client', bytes(Opcode.WATCHING), 'TF_ERR_UNKNOWN_OPCODE'],
    ['huge PING', ProtocolCodec.ping(new Uint8Array(257)), 'TF_ERR_BAD_FRAME'],
  ])('rejects %s', (_what, frame, code) => {
    expect(ProtocolCodec.decodeClient(frame)).toMatchObject({ type: 'error', code });
  });

  it('rejects text frames', () => {
    expect(ProtocolCodec.decodeClient(ProtocolCodec.input('x'), false)).toMatchObject({ type: 'error', code: 'TF_ERR_BAD_FRAME' });
  });

  it('encodes server frames with the documented byte layout', () => {
    expect([...ProtocolCodec.output(2 ** 32 + 5, text('hi'))]).toEqual([0x82, 0, 0, 0, 1, 0, 0, 0, 5, 0x68, 0x69]);
    const frame = new Uint8Array(ProtocolCodec.OUTPUT_HEADER_BYTES + 1).fill(0xee);
    ProtocolCodec.writeOutputHeader(frame, 7);
    expect([...frame]).toEqual([0x82, 0, 0, 0, 0, 0, 0, 0, 7, 0xee]);
    expect([...ProtocolCodec.snapshot(7, 120, 40, text('S'))]).toEqual([0x83, 0, 0, 0, 0, 0, 0, 0, 7, 0, 120, 0, 40, 0x53]);
    expect([...ProtocolCodec.resized(256, 1)]).toEqual([0x85, 1, 0, 0, 1]);
    expect([...ProtocolCodec.pong(bytes(9))]).toEqual([0x87, 9]);
    expect(JSON.parse(new TextDecoder().decode(ProtocolCodec.exit(null, 'SIGKILL').subarray(1)))).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(ProtocolCodec.error('TF_ERR_X', 'm')[0]).toBe(0x86);
  });

  it('round-trips every server frame through the client decoder', () => {
    expect(ProtocolCodec.decodeServer(ProtocolCodec.attached(info, 'viewer', 3)))
      .toEqual({ type: 'attached', protocol: 1, session: info, role: 'viewer', startOffset: 3 });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.output(Number.MAX_SAFE_INTEGER - 1, text('z'))))
      .toEqual({ type: 'output', offset: Number.MAX_SAFE_INTEGER - 1, data: text('z') });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.snapshot(1, 2, 3, text('abc')))).toEqual({ type: 'snapshot', offset: 1, cols: 2, rows: 3, data: text('abc') });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.exit(3, null))).toEqual({ type: 'exit', exitCode: 3, signal: null });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.resized(1000, 1))).toEqual({ type: 'resized', cols: 1000, rows: 1 });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.error('TF_ERR_A', 'b'))).toEqual({ type: 'error', code: 'TF_ERR_A', message: 'b' });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.pong(bytes(4, 2)))).toEqual({ type: 'pong', payload: bytes(4, 2) });
    expect(ProtocolCodec.decodeServer(ProtocolCodec.watching(true, [info]))).toEqual({ type: 'watching', all: true, sessions: [info] });
    const preview = { sessionId: info.id, outputBytes: 42, cols: 80, rows: 24, text: 'a\nb' };
    expect(ProtocolCodec.preview(preview)[0]).toBe(0x89);
    expect(ProtocolCodec.decodeServer(ProtocolCodec.preview(preview))).toEqual({ type: 'preview', ...preview });
    const event = { id: 7, type: 'session.bell', time: '2026-01-01T00:00:00.000Z', source: 'core-sessions', data: { ...info, by: null, count: 3 } };
    expect(ProtocolCodec.sessionEvent(event)[0]).toBe(0x8a);
    expect(ProtocolCodec.decodeServer(ProtocolCodec.sessionEvent(event))).toEqual({ type: 'session-event', event });
  });

  it('decodes a frame that sits inside a larger buffer (a Buffer from a pool) and keeps its type', () => {
    const pool = Buffer.alloc(64, 0xff);
    const frame = ProtocolCodec.output(258, text('ok'));
    pool.set(frame, 20);
    const view = pool.subarray(20, 20 + frame.length);
    const decoded = ProtocolCodec.decodeServer(view);
    expect(decoded).toMatchObject({ type: 'output', offset: 258 });
    expect(Buffer.isBuffer((decoded as { data: Buffer }).data)).toBe(true);
    expect((decoded as { data: Buffer }).data.toString()).toBe('ok');
  });

  it('throws on malformed server frames', () => {
    expect(() => ProtocolCodec.decodeServer(bytes(Opcode.OUTPUT, 0, 0))).toThrow('short OUTPUT frame');
    expect(() => ProtocolCodec.decodeServer(bytes(Opcode.SNAPSHOT, 0))).toThrow('short SNAPSHOT frame');
    expect(() => ProtocolCodec.decodeServer(bytes(Opcode.RESIZED, 0))).toThrow('bad RESIZED frame');
    expect(() => ProtocolCodec.decodeServer(bytes(Opcode.ERROR, 0x7b))).toThrow();
    expect(() => ProtocolCodec.decodeServer(bytes(0x99))).toThrow('unknown server opcode 0x99');
  });
});

describe('chunkUtf8', () => {
  it('splits text into pieces of at most maxBytes, never inside a character', () => {
    const chunks = chunkUtf8('aé€😀'.repeat(100), 7);
    expect(chunks.every((chunk) => chunk.length <= 7)).toBe(true);
    for (const chunk of chunks) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(chunk)).not.toThrow();
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe('aé€😀'.repeat(100));
    expect(chunkUtf8('')).toEqual([]);
  });
});
