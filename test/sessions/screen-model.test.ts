import { Terminal } from '@xterm/headless';
import { FakeClock } from '../../src/testkit/fake-clock';
import { OutputRing } from '../../src/sessions/output-ring';
import { ResizeLog } from '../../src/sessions/resize-log';
import { ScreenModel, type ScreenSnapshot } from '../../src/sessions/screen-model';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function terminal(cols: number, rows: number): Terminal {
  return new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true, logLevel: 'off' });
}

function write(term: Terminal, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

function lines(term: Terminal): string[] {
  const buffer = term.buffer.active;
  return Array.from({ length: term.rows }, (_, y) => buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '');
}

/** What a client shows after SNAPSHOT + the output that follows it. */
async function clientView(snapshot: ScreenSnapshot, ring: OutputRing, resizes?: ResizeLog): Promise<Terminal> {
  const term = terminal(snapshot.cols, snapshot.rows);
  await write(term, snapshot.data);
  let at = snapshot.offset;
  let seq = snapshot.resizeSeq;
  for (;;) {
    const event = resizes?.after(seq);
    if (event && event.offset <= at) {
      term.resize(event.cols, event.rows);
      seq = event.seq;
      continue;
    }
    const stop = event ? event.offset : ring.end;
    if (at >= ring.end) break;
    await write(term, ring.read(at, stop - at)!);
    at = stop;
  }
  return term;
}

function setup(options: { capacity?: number; cols?: number; rows?: number; scrollback?: number; maxSnapshotBytes?: number; idleMs?: number } = {}) {
  const clock = new FakeClock();
  const ring = new OutputRing(options.capacity ?? 1024 * 1024);
  const resizes = new ResizeLog(options.cols ?? 40, options.rows ?? 10);
  const model = new ScreenModel(ring, resizes, {
    scrollback: options.scrollback ?? 50, maxSnapshotBytes: options.maxSnapshotBytes ?? 256 * 1024, idleMs: options.idleMs ?? 60_000,
  }, clock);
  return { clock, ring, resizes, model };
}

const colorful = (n: number): string => Array.from({ length: n }, (_, i) =>
  `\x1b[3${i % 8}mline ${i}\x1b[0m ${'#'.repeat(i % 30)}\r\n`).join('');

describe('ScreenModel', () => {
  /** Count the bytes the model parses (it reads the ring only through `peek`). */
  function countParsed(ring: OutputRing): { bytes: number } {
    const counter = { bytes: 0 };
    const peek = ring.peek.bind(ring);
    ring.peek = (offset: number, length: number) => {
      const view = peek(offset, length);
      counter.bytes += view?.length ?? 0;
      return view;
    };
    return counter;
  }

  /** Every line the terminal holds (scrollback and screen), from the `count`th last. */
  function lastLines(term: Terminal, count: number): string[] {
    const buffer = term.buffer.active;
    const all = Array.from({ length: buffer.length }, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '');
    return all.slice(-count);
  }

  async function expectSameScreenAndScrollback(history: string, snapshot: ScreenSnapshot, ring: OutputRing, scrollback: number): Promise<void> {
    const watcher = terminal(40, 10);
    await write(watcher, history);
    const joiner = await clientView(snapshot, ring);
    expect(lines(joiner)).toEqual(lines(watcher));
    expect(lastLines(joiner, scrollback + 10)).toEqual(lastLines(watcher, scrollback + 10));
    watcher.dispose();
    joiner.dispose();
  }

  it('a new emulator replays only the last lines a snapshot can show (at least 16 KiB), not the ring', async () => {
    const { ring, model } = setup({ capacity: 4 * 1024 * 1024 });
    const history = colorful(40_000); // ~1.5 MB of short lines
    ring.append(Buffer.from(history));
    const parsed = countParsed(ring);
    const snapshot = model.snapshot();
    // 50 scrollback + 10 rows + margin lines are ~3 KB here: the 16 KiB floor applies, from a line start.
    expect(parsed.bytes).toBeGreaterThanOrEqual(16 * 1024);
    expect(parsed.bytes).toBeLessThan(16 * 1024 + 100);
    expect(ring.byteAt(ring.end - parsed.bytes - 1)).toBe(0x0a);
    expect(snapshot.offset).toBe(ring.end);
    await expectSameScreenAndScrollback(history, snapshot, ring, 50);
    expect(lines(await clientView(snapshot, ring)).join('\n')).toContain('line 39999');
  });

  it('long lines: the replay covers scrollback + rows lines, beyond the 16 KiB floor', async () => {
    const { ring, model } = setup({ capacity: 4 * 1024 * 1024 });
    const history = Array.from({ length: 2_000 }, (_, i) => `\x1b[3${i % 8}mrow ${i} ${'x'.repeat(1500)}\x1b[0m\r\n`).join('');
    ring.append(Buffer.from(history));
    const parsed = countParsed(ring);
    const snapshot = model.snapshot();
    // The last (50 + 10 + 16) lines of 1520 bytes (from a line start): beyond the 16 KiB floor,
    // far less than the 512 KiB window.
    expect(parsed.bytes).toBeGreaterThanOrEqual(75 * 1520);
    expect(parsed.bytes).toBeLessThan(80 * 1530);
    await expectSameScreenAndScrollback(history, snapshot, ring, 50);
  });

  it('output without newlines (a full-screen program) replays the 512 KiB window, from a line start when near', async () => {
    const { ring, model } = setup({ capacity: 4 * 1024 * 1024 });
    let history = 'first line\r\n';
    for (let i = 0; i < 30_000; i++) history += `\x1b[${(i % 10) + 1};1H\x1b[3${i % 8}mframe ${i} ${'='.repeat(i % 20)}\x1b[K`;
    ring.append(Buffer.from(history));
    expect(ring.end).toBeGreaterThan(512 * 1024);
    const parsed = countParsed(ring);
    const snapshot = model.snapshot();
    expect(parsed.bytes).toBeGreaterThanOrEqual(512 * 1024);
    expect(parsed.bytes).toBeLessThanOrEqual(512 * 1024 + 16 * 1024);
    const watcher = terminal(40, 10);
    await write(watcher, history);
    const joiner = await clientView(snapshot, ring);
    expect(lines(joiner)).toEqual(lines(watcher));
    watcher.dispose();
    joiner.dispose();
  });

  it('is lazy: no emulator until a snapshot is asked for', () => {
    const { ring, model } = setup();
    ring.append(Buffer.from('hello'));
    model.noteOutput();
    expect(model.live).toBe(false);
    expect(model.snapshot().offset).toBe(5);
    expect(model.live).toBe(true);
    model.dispose();
  });

  it('snapshot + following output reproduce the screen of a terminal that saw everything', async () => {
    const { ring, resizes, model } = setup();
    const reference = terminal(40, 10);
    const feed = async (data: string): Promise<void> => {
      ring.append(Buffer.from(data));
      await write(reference, data);
    };
    await feed(colorful(30));
    await feed('\x1b[2;5H\x1b[1;4mbold underline\x1b[0m\x1b[8;1H$ ');
    const snapshot = model.snapshot();
    expect(snapshot.offset).toBe(ring.end);
    await feed('typed more\r\n' + colorful(3));
    const view = await clientView(snapshot, ring, resizes);
    expect(lines(view)).toEqual(lines(reference));
    expect(view.buffer.active.cursorX).toBe(reference.buffer.active.cursorX);
    expect(view.buffer.active.cursorY).toBe(reference.buffer.active.cursorY);
    view.dispose();
    reference.dispose();
    model.dispose();
  });

  it('applies resizes at their place in the output', async () => {
    const { ring, resizes, model } = setup({ cols: 40, rows: 10 });
    const reference = terminal(40, 10);
    ring.append(Buffer.from(colorful(12)));
    await write(reference, colorful(12));
    resizes.record(ring.end, 20, 6);
    reference.resize(20, 6);
    ring.append(Buffer.from('after the resize, a long line that wraps at twenty columns\r\n'));
    await write(reference, 'after the resize, a long line that wraps at twenty columns\r\n');
    const snapshot = model.snapshot();
    expect([snapshot.cols, snapshot.rows]).toEqual([20, 6]);
    const view = await clientView(snapshot, ring, resizes);
    expect(lines(view)).toEqual(lines(reference));
    expect(model.text().split('\n')).toEqual(lines(reference).map((line) => line.replace(/ +$/, '')));
    view.dispose();
    reference.dispose();
    model.dispose();
  });

  it('never cuts a snapshot inside a UTF-8 character', async () => {
    const { ring, model } = setup();
    const euro = Buffer.from('€'); // 3 bytes
    ring.append(Buffer.concat([Buffer.from('price: '), euro.subarray(0, 2)]));
    const snapshot = model.snapshot();
    expect(snapshot.offset).toBe(7);
    ring.append(Buffer.concat([euro.subarray(2), Buffer.from('42')]));
    const view = await clientView(snapshot, ring);
    expect(lines(view)[0]).toBe('price: €42');
    view.dispose();
    model.dispose();
  });

  it('starts the client at the ESC of an unfinished escape sequence', async () => {
    const { ring, model } = setup();
    ring.append(Buffer.from('plain \x1b[3'));
    const snapshot = model.snapshot();
    expect(snapshot.offset).toBe(6);
    ring.append(Buffer.from('1mred\x1b[0m'));
    const view = await clientView(snapshot, ring);
    expect(lines(view)[0]).toBe('plain red');
    const cell = view.buffer.active.getLine(0)!.getCell(6)!;
    expect(cell.getFgColor()).toBe(1);
    view.dispose();
    model.dispose();
  });

  it('starts over from the ring when its position fell out of it', () => {
    const { ring, model } = setup({ capacity: 64 * 1024 });
    ring.append(Buffer.from('first screen\r\n'));
    model.snapshot();
    for (let i = 0; i < 3000; i++) ring.append(Buffer.from(`line ${i} ${'x'.repeat(20)}\r\n`));
    expect(model.parsedOffset).toBeLessThan(ring.start);
    const snapshot = model.snapshot();
    expect(model.resets).toBe(1);
    expect(snapshot.offset).toBe(ring.end);
    expect(model.text()).toContain('line 2999');
    model.dispose();
  });

  it('bounds the snapshot by cutting scrollback', () => {
    const { ring, model } = setup({ cols: 200, rows: 10, scrollback: 1000, maxSnapshotBytes: 16 * 1024 });
    for (let i = 0; i < 900; i++) ring.append(Buffer.from(`\x1b[3${i % 8}m${String(i).padStart(5, '0')} ${'y'.repeat(150)}\x1b[0m\r\n`));
    const snapshot = model.snapshot();
    expect(snapshot.data.length).toBeLessThanOrEqual(16 * 1024);
    expect(snapshot.data.toString()).toContain('00899');
    model.dispose();
  });

  it('prepares a huge screen in slices: a new emulator grows a step per turn, the snapshot is serialized a few ms per turn', async () => {
    const { ring, resizes, model } = setup({ cols: 1000, rows: 300, scrollback: 0 }); // 300,000 cells
    ring.append(Buffer.from(colorful(400)));
    let turns = 0;
    let done = false;
    const preparing = model.prepare().then(() => (done = true));
    // Grown and parsed over several turns...
    while (!done && model.parsedOffset < ring.end) {
      await turn();
      turns++;
    }
    expect(turns).toBeGreaterThan(3); // not one block
    // ...then serialized over several more: output that arrives meanwhile is not parsed into it...
    const end = ring.end;
    ring.append(Buffer.from('\x1b[1mwritten while serializing\x1b[0m\r\n'));
    model.noteOutput();
    await preparing;
    const snapshot = model.snapshot();
    expect(snapshot.offset).toBe(end);
    expect([snapshot.cols, snapshot.rows]).toEqual([1000, 300]);
    // ...it follows as OUTPUT from the snapshot's offset: the client ends with the same screen.
    const view = await clientView(snapshot, ring, resizes);
    expect(lines(view).at(-2)).toBe('written while serializing');
    expect(lines(view).map((line) => line.replace(/ +$/, ''))).toEqual(model.text().split('\n'));
    view.dispose();
    model.dispose();
  });

  it('prepares in slices a screen that a resize not parsed yet makes huge (snapshot() then has nothing left to do)', async () => {
    const { ring, resizes, model } = setup({ cols: 40, rows: 10, scrollback: 0 });
    ring.append(Buffer.from(colorful(20)));
    await model.prepare();
    model.snapshot(); // a small emulator, parsed to the end
    resizes.record(ring.end, 1000, 300);
    ring.append(Buffer.from('\x1b[1mafter the resize\x1b[0m\r\n')); // far less than a slice
    let turns = 0;
    let done = false;
    const preparing = model.prepare().then(() => (done = true));
    while (!done) {
      await turn();
      turns++;
    }
    await preparing;
    expect(turns).toBeGreaterThan(3); // grown and serialized over several turns, not left to snapshot()
    expect(model.parsedOffset).toBe(ring.end);
    const snapshot = model.snapshot();
    expect(model.snapshot()).toBe(snapshot);
    expect([snapshot.cols, snapshot.rows]).toEqual([1000, 300]);
    const view = await clientView(snapshot, ring, resizes);
    expect(lines(view).map((line) => line.replace(/ +$/, ''))).toEqual(model.text().split('\n'));
    view.dispose();
    model.dispose();
  });

  it('a width change of a huge screen starts the emulator afresh at the resize instead of reflowing every line', async () => {
    const { clock, ring, resizes, model } = setup({ cols: 400, rows: 300, scrollback: 0 });
    ring.append(Buffer.from(colorful(400)));
    await model.prepare();
    const first = model.snapshot();
    expect(model.text()).toContain('line 399');
    resizes.record(ring.end, 399, 300);
    ring.append(Buffer.from('redrawn after the resize\r\n'));
    // Within a second, attaching again reuses the huge snapshot (the output since follows as OUTPUT).
    await model.prepare();
    expect(model.snapshot()).toBe(first);
    await clock.advance(1000);
    await model.prepare();
    const snapshot = model.snapshot();
    expect([snapshot.cols, snapshot.rows]).toEqual([399, 300]);
    expect(model.text()).toContain('redrawn after the resize');
    expect(model.text()).not.toContain('line 399'); // the old screen is gone (a full-screen program redraws)
    const view = await clientView(snapshot, ring, resizes);
    expect(lines(view).map((line) => line.replace(/ +$/, ''))).toEqual(model.text().split('\n'));
    view.dispose();
    model.dispose();
  });

  it('builds at most one huge snapshot per second, even when a flood made the last one stale at once', async () => {
    const { clock, ring, model } = setup({ cols: 1000, rows: 100, scrollback: 0, capacity: 64 * 1024 });
    ring.append(Buffer.from(colorful(100)));
    await model.prepare();
    const first = model.snapshot();
    ring.append(Buffer.from(colorful(3000))); // the flood: the snapshot's offset left the ring
    expect(first.offset).toBeLessThan(ring.start);
    let done = false;
    const again = model.prepare().then(() => (done = true));
    for (let i = 0; i < 20; i++) await turn();
    expect(done).toBe(false); // waits out the interval instead of serializing again at once
    await clock.advance(1000);
    await again;
    expect(model.snapshot().offset).toBeGreaterThanOrEqual(ring.start);
    model.dispose();
  });

  it('text() gives the visible lines with trailing spaces trimmed', () => {
    const { ring, model } = setup({ cols: 20, rows: 3 });
    ring.append(Buffer.from('a   \r\n  b  \r\nc'));
    expect(model.text()).toBe('a\n  b\nc');
    model.dispose();
  });

  it('catches up in the background once output is quiet, not on every chunk', async () => {
    const { clock, ring, model } = setup();
    model.snapshot();
    const burst = (n: number): string => colorful(n);
    ring.append(Buffer.from(burst(1000))); // ~40 KB: worth parsing before a snapshot asks
    model.noteOutput();
    expect(model.parsedOffset).toBe(0);
    await clock.advance(10);
    ring.append(Buffer.from('and more\r\n'));
    model.noteOutput();
    await clock.advance(10); // output arrived during this window: still not quiet
    await turn();
    expect(model.parsedOffset).toBe(0);
    await clock.advance(10);
    // In slices of 32 KiB, one per event-loop turn (a few ms each): ~40 KB take two turns.
    await turn();
    expect(model.parsedOffset).toBeGreaterThan(0);
    await turn();
    expect(model.parsedOffset).toBe(ring.end);
    model.dispose();
  });

  it('leaves a small backlog (keystroke echoes) to the next snapshot: no emulator work between keystrokes', async () => {
    const { clock, ring, model } = setup({ idleMs: 0 }); // no idle timer either
    model.snapshot();
    for (let i = 0; i < 50; i++) {
      ring.append(Buffer.from('k'));
      model.noteOutput();
      await clock.advance(15);
      await turn();
    }
    expect(model.parsedOffset).toBe(0);
    expect(clock.pending).toBe(0); // no timer armed for it either
    expect(model.snapshot().offset).toBe(ring.end);
    expect(model.text().split('\n')[0]).toBe('k'.repeat(40)); // 40 columns, then the line wraps
    model.dispose();
  });

  it('drops the emulator the idle time after its last use, attached clients or not', async () => {
    const { clock, ring, model } = setup({ idleMs: 1000 });
    ring.append(Buffer.from('x'));
    model.snapshot();
    await clock.advance(600);
    expect(model.live).toBe(true);
    model.snapshot(); // a use re-arms the timer
    await clock.advance(999);
    expect(model.live).toBe(true);
    await clock.advance(1);
    expect(model.live).toBe(false);
    expect(model.text().startsWith('x')).toBe(true); // recreated on demand from the ring
    model.dispose();
  });
});
