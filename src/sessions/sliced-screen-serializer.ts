import { performance } from 'node:perf_hooks';
import type { SerializeAddon } from '@xterm/addon-serialize';
import type { IBuffer, Terminal } from '@xterm/headless';

/**
 * What @xterm/addon-serialize 0.14.0 has beyond its public API and slicing needs: serializing a row
 * range of a given buffer (the public `serialize({ range })` works on the normal buffer only and
 * trims trailing empty rows when the range is near the end), and the terminal modes.
 */
interface SerializeAddonInternals {
  _serializeBufferByRange?(terminal: Terminal, buffer: IBuffer, range: { start: number; end: number }, excludeFinalCursorPosition: boolean): string;
  _serializeModes?(terminal: Terminal): string;
}

/** One buffer's rows still to serialize. */
interface Part {
  buffer: IBuffer;
  next: number;
  end: number;
  /** Before the first row: the alternate screen is switched on. */
  prefix: string;
  /** Lines written so far (a seam goes before every line but the first). */
  lines: number;
}

/** SGR reset: every chunk is serialized assuming default attributes, so seams reset them. */
const RESET = '\x1b[0m';
const SEAM = Buffer.from(`${RESET}\r\n`);

/**
 * Bytes appended piece by piece into one buffer that doubles when full: a 1000×1000 screen is ~6 MB,
 * and putting 2,000 pieces together at the end (Buffer.concat) was a ~12 ms block of its own.
 */
class ByteSink {
  private data = Buffer.allocUnsafe(64 * 1024);
  private used = 0;

  append(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.used + bytes.length));
      this.data.copy(grown, 0, 0, this.used);
      this.data = grown;
    }
    this.data.set(bytes, this.used);
    this.used += bytes.length;
  }

  appendText(text: string): void {
    this.append(Buffer.from(text, 'utf8'));
  }

  bytes(): Buffer {
    return this.data.subarray(0, this.used);
  }
}

/**
 * Serializes a terminal's screen (and `scrollback` lines) like `SerializeAddon.serialize()`, but a
 * slice of rows at a time, so a huge screen (1000×1000: ~120 ms in one call, every cell visited)
 * never blocks the event loop for long. Each logical line (a row and the rows wrapped from it) is
 * serialized on its own by the addon, so its output within a line is the addon's; lines are joined
 * by an SGR reset and CR LF, the cursor is restored with an absolute CUP, then the modes.
 *
 * The terminal must not change between the first `step` and the result (the caller parses no
 * output meanwhile). Trailing empty rows are written too (the addon trims them), which changes no
 * cell.
 */
export class SlicedScreenSerializer {
  private readonly parts: Part[] = [];
  private current = 0;
  private readonly out = new ByteSink();

  /** Whether this version of the addon has what slicing needs. */
  static supported(addon: SerializeAddon): boolean {
    const internals = addon as unknown as SerializeAddonInternals;
    return typeof internals._serializeBufferByRange === 'function' && typeof internals._serializeModes === 'function';
  }

  constructor(
    private readonly term: Terminal,
    private readonly addon: SerializeAddon,
    scrollback: number,
  ) {
    const normal = term.buffer.normal;
    const rows = Math.min(normal.length, scrollback + term.rows);
    this.parts.push({ buffer: normal, next: normal.length - rows, end: normal.length - 1, prefix: '', lines: 0 });
    if (term.buffer.active.type === 'alternate') {
      const alternate = term.buffer.alternate;
      this.parts.push({ buffer: alternate, next: 0, end: alternate.length - 1, prefix: '\x1b[?1049h\x1b[H', lines: 0 });
    }
  }

  /**
   * Serialize logical lines for about `budgetMs` (at least one); true once everything is
   * serialized. Time, not cells, is the budget: a cell costs 0.1-1 µs depending on the machine's load.
   */
  step(budgetMs: number): boolean {
    const started = performance.now();
    let first = true;
    while (this.current < this.parts.length) {
      const part = this.parts[this.current];
      if (part.next > part.end) {
        this.finish(part);
        this.current++;
        continue;
      }
      if (!first && performance.now() - started >= budgetMs) return false;
      // Each line ends with the SGR of the terminal's current attributes (as the addon restores
      // them); the next one assumes defaults: reset at every seam, keep it after the last.
      if (part.lines === 0 && part.prefix !== '') this.out.appendText(RESET + part.prefix);
      if (part.lines > 0) this.out.append(SEAM);
      first = false;
      // A logical line: the row and the rows that continue it by wrapping (never split).
      let last = part.next;
      while (last < part.end && part.buffer.getLine(last + 1)?.isWrapped === true) last++;
      // Encoded now, a line at a time: the addon builds each line as a rope of small strings, and
      // flattening a whole 1000×1000 screen at the end took ~120 ms in one go.
      this.out.appendText(this.rows(part.buffer, part.next, last));
      part.lines++;
      part.next = last + 1;
    }
    return true;
  }

  /** The serialized screen, UTF-8 (call once `step` returned true). */
  result(): Buffer {
    const internals = this.addon as unknown as Required<SerializeAddonInternals>;
    this.out.appendText(internals._serializeModes(this.term));
    return this.out.bytes();
  }

  /** After a buffer's last line: restore its cursor. */
  private finish(part: Part): void {
    const { cursorX, cursorY, baseY } = part.buffer;
    if (cursorX < this.term.cols) {
      this.out.appendText(`\x1b[${cursorY + 1};${cursorX + 1}H`);
    } else {
      // Past the last column (the next character wraps): no CUP reaches that state, writing the row
      // again does (and ends with the current attributes again).
      this.out.appendText(`${RESET}\x1b[${cursorY + 1};1H${this.rows(part.buffer, baseY + cursorY, baseY + cursorY)}`);
    }
  }

  /** The addon's serialization of rows `start..end` of `buffer`, cursor not restored. */
  private rows(buffer: IBuffer, start: number, end: number): string {
    const internals = this.addon as unknown as Required<SerializeAddonInternals>;
    // A buffer that looks endless: the addon trims trailing empty rows of ranges near the end.
    const view = Object.create(buffer, { length: { value: Number.MAX_SAFE_INTEGER } }) as IBuffer;
    return internals._serializeBufferByRange(this.term, view, { start, end }, true);
  }
}
