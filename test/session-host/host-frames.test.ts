import { randomBytes } from 'node:crypto';
import { HostFrame, HostFrameReader, inputFrame, jsonFrame, outputFrame, outputHeader, readOffset } from '../../src/sessions/host/host-frames';

// The agent ↔ session host framing: whatever the socket's chunking, the same frames come out.
describe('host frames', () => {
  const frames = (): Buffer[] => [
    jsonFrame(HostFrame.HELLO, { protocol: 1, secret: 'x' }),
    outputFrame(7, 2 ** 33 + 5, [Buffer.from('ab'), Buffer.from('cd')], 4),
    inputFrame(3, randomBytes(300_000)),
    outputFrame(1, 0, [randomBytes(1)], 1),
    jsonFrame(HostFrame.EXIT, { handle: 7, exitCode: 0 }),
  ];

  it.each([1, 3, 4, 5, 17, 4096, 65_536, 1_000_000])('splits a stream cut into %d-byte chunks exactly', (size) => {
    const sent = frames();
    const stream = Buffer.concat(sent);
    const got: Array<[number, Buffer]> = [];
    const reader = new HostFrameReader((type, payload) => got.push([type, Buffer.from(payload)]), (message) => { throw new Error(message); });
    for (let at = 0; at < stream.length; at += size) reader.push(stream.subarray(at, at + size));
    expect(got.map(([type]) => type)).toEqual(sent.map((frame) => frame[4]));
    expect(got.map(([, payload]) => payload.toString('hex'))).toEqual(sent.map((frame) => frame.subarray(5).toString('hex')));
    const output = got[1][1];
    expect([output.readUInt32BE(0), readOffset(output, 4), output.subarray(12).toString()]).toEqual([7, 2 ** 33 + 5, 'abcd']);
  });

  it('a header written before the chunks is the same frame as one built whole', () => {
    const chunks = [Buffer.from('hello '), Buffer.from('world')];
    expect(Buffer.concat([outputHeader(9, 1234, 11), ...chunks]).equals(outputFrame(9, 1234, chunks, 11))).toBe(true);
  });

  it('refuses an empty or oversized frame once, and nothing after it', () => {
    const errors: string[] = [];
    const got: number[] = [];
    const reader = new HostFrameReader((type) => got.push(type), (message) => errors.push(message), 1024);
    reader.push(jsonFrame(HostFrame.HELLO, {}));
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(2048);
    reader.push(huge);
    reader.push(jsonFrame(HostFrame.HELLO, {}));
    expect(got).toEqual([HostFrame.HELLO]);
    expect(errors).toEqual(['bad frame length 2048']);
  });
});
