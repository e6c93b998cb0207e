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
  chunks: string[];
}

/** SGR reset: every chunk is serialized assuming default attributes, so seams reset them. */
const RESET = '\x1b[0m';

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
    this.parts.push({ buffer: normal, next: normal.length - rows, end: normal.length - 1, prefix: '', chunks: [] });
    if (term.buffer.active.type === 'alternate') {
      const alternate = term.buffer.alternate;
      this.parts.push({ buffer: alternate, next: 0, end: alternate.length - 1, prefix: '\x1b[?1049h\x1b[H', chunks: [] });
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
        this.current++;
        continue;
      }
      if (!first && performance.now() - started >= budgetMs) return false;
      first = false;
      // A logical line: the row and the rows that continue it by wrapping (never split).
      let last = part.next;
      while (last < part.end && part.buffer.getLine(last + 1)?.isWrapped === true) last++;
      part.chunks.push(this.rows(part.buffer, part.next, last));
      part.next = last + 1;
    }
    return true;
  }

  /** The serialized screen (call once `step` returned true). */
  result(): string {
    const internals = this.addon as unknown as Required<SerializeAddonInternals>;
    let out = '';
    for (const part of this.parts) {
      // Each chunk ends with the SGR of the terminal's current attributes (as the addon restores
      // them); the next one assumes defaults: reset at every seam, keep it after the last.
      out += (part.prefix === '' ? '' : RESET + part.prefix) + part.chunks.join(`${RESET}\r\n`);
      const { cursorX, cursorY, baseY } = part.buffer;
      if (cursorX < this.term.cols) {
        out += `\x1b[${cursorY + 1};${cursorX + 1}H`;
      } else {
        // Past the last column (the next character wraps): no CUP reaches that state, writing the
        // row again does (and ends with the current attributes again).
        out += `${RESET}\x1b[${cursorY + 1};1H${this.rows(part.buffer, baseY + cursorY, baseY + cursorY)}`;
      }
    }
    return out + internals._serializeModes(this.term);
  }

  /** The addon's serialization of rows `start..end` of `buffer`, cursor not restored. */
  private rows(buffer: IBuffer, start: number, end: number): string {
    const internals = this.addon as unknown as Required<SerializeAddonInternals>;
    // A buffer that looks endless: the addon trims trailing empty rows of ranges near the end.
    const view = Object.create(buffer, { length: { value: Number.MAX_SAFE_INTEGER } }) as IBuffer;
    return internals._serializeBufferByRange(this.term, view, { start, end }, true);
  }
}
