import { OutputRing } from '../../src/sessions/output-ring';

const bytes = (from: number, n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) % 251));

describe('OutputRing', () => {
  it('keeps absolute offsets: start/end/read across appends', () => {
    const ring = new OutputRing(1024, 16);
    expect([ring.start, ring.end, ring.size]).toEqual([0, 0, 0]);
    ring.append(bytes(0, 10));
    ring.append(bytes(10, 5));
    expect([ring.start, ring.end]).toEqual([0, 15]);
    expect(ring.read(0)).toEqual(bytes(0, 15));
    expect(ring.read(3, 4)).toEqual(bytes(3, 4));
    expect(ring.read(15)).toEqual(Buffer.alloc(0));
    expect(ring.read(16)).toBeNull();
  });

  it('grows storage lazily, doubling up to the capacity', () => {
    const ring = new OutputRing(1000, 16);
    expect(ring.allocated).toBe(16);
    ring.append(bytes(0, 10));
    expect(ring.allocated).toBe(16);
    ring.append(bytes(10, 10));
    expect(ring.allocated).toBe(32);
    ring.append(bytes(20, 100));
    expect(ring.allocated).toBe(128);
    ring.append(bytes(120, 880));
    expect(ring.allocated).toBe(1000);
    expect(ring.read(0)).toEqual(bytes(0, 1000));
  });

  it('wraps inside the full-size storage once grown to capacity', () => {
    const ring = new OutputRing(64, 16);
    ring.append(bytes(0, 60));
    ring.append(bytes(60, 10)); // wraps in the 64-byte storage: holds [6, 70)
    expect([ring.start, ring.end, ring.allocated]).toEqual([6, 70, 64]);
    expect(ring.read(6)).toEqual(bytes(6, 64));
    expect(ring.read(5)).toBeNull();
  });

  it('wraps at capacity: old bytes fall out, offsets keep counting', () => {
    const ring = new OutputRing(100, 16);
    let offset = 0;
    for (let i = 0; i < 50; i++) {
      const n = 1 + (i * 7) % 23;
      ring.append(bytes(offset, n));
      offset += n;
    }
    expect(ring.end).toBe(offset);
    expect(ring.start).toBe(offset - 100);
    expect(ring.read(ring.start)).toEqual(bytes(offset - 100, 100));
    expect(ring.read(ring.start - 1)).toBeNull();
    // Reads that straddle the wrap point.
    for (let from = ring.start; from < ring.end; from += 13) expect(ring.read(from, 40)).toEqual(bytes(from, Math.min(40, ring.end - from)));
  });

  it('keeps only the newest bytes of a chunk bigger than the capacity', () => {
    const ring = new OutputRing(64, 16);
    ring.append(bytes(0, 10));
    ring.append(bytes(10, 200));
    expect([ring.start, ring.end]).toEqual([146, 210]);
    expect(ring.read(146)).toEqual(bytes(146, 64));
  });

  it('copyTo and peek read without allocating; byteAt and lastIndexOf address absolute offsets', () => {
    const ring = new OutputRing(32, 32);
    ring.append(bytes(0, 40)); // holds [8, 40), storage wrapped
    const target = Buffer.alloc(50);
    expect(ring.copyTo(10, 20, target, 5)).toBe(20);
    expect(target.subarray(5, 25)).toEqual(bytes(10, 20));
    expect(ring.copyTo(7, 5, target, 0)).toBe(-1);
    const view = ring.peek(30, 100)!;
    expect(view.length).toBeGreaterThan(0);
    expect(view).toEqual(bytes(30, view.length));
    expect(ring.byteAt(39)).toBe(39);
    expect(ring.byteAt(40)).toBe(-1);
    expect(ring.byteAt(7)).toBe(-1);
    expect(ring.lastIndexOf(20, 40)).toBe(20);
    expect(ring.lastIndexOf(20, 20)).toBe(-1);
    expect(ring.lastIndexOf(5, 40)).toBe(-1); // offset 5 is no longer held
  });

  it('counts offsets beyond 4 GiB exactly', () => {
    const ring = new OutputRing(16, 16);
    const big = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 4100; i++) ring.append(big);
    expect(ring.end).toBe(4100 * 1024 * 1024);
    expect(ring.end).toBeGreaterThan(2 ** 32);
    expect(ring.read(ring.end - 16)).toEqual(Buffer.alloc(16, 0x61));
  });
});
