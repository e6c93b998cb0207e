import { FrameArena } from '../../src/sessions/frame-arena';

describe('FrameArena', () => {
  it('hands out consecutive slices of one block within a pass and reuses it from the start in the next', () => {
    const arena = new FrameArena(1024);
    arena.begin();
    const a = arena.take(100);
    const b = arena.take(200);
    expect(a.buffer).toBe(b.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 100);
    a.fill(1);
    b.fill(2);
    expect(a.every((x) => x === 1)).toBe(true); // no overlap within a pass
    arena.end();
    arena.begin();
    const c = arena.take(50);
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(a.byteOffset);
    arena.end();
  });

  it('does not reset inside a nested pass: frames of the outer pass stay intact', () => {
    const arena = new FrameArena(1024);
    arena.begin();
    const outer = arena.take(100).fill(7);
    arena.begin();
    const inner = arena.take(100).fill(9);
    arena.end();
    expect(outer.every((x) => x === 7)).toBe(true);
    expect(inner.byteOffset).toBe(outer.byteOffset + 100);
    arena.end();
  });

  it('allocates a separate Buffer outside a pass, for a frame bigger than the block, and once the block is full', () => {
    const arena = new FrameArena(256);
    const outside = arena.take(10);
    arena.begin();
    const inBlock = arena.take(200);
    const overflow = arena.take(100);
    const huge = arena.take(1000);
    arena.end();
    expect(outside.buffer).not.toBe(inBlock.buffer);
    expect(overflow.buffer).not.toBe(inBlock.buffer);
    expect(huge.length).toBe(1000);
    expect(huge.buffer).not.toBe(inBlock.buffer);
  });
});
