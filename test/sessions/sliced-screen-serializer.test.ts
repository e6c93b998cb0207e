import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal, type IBufferCell } from '@xterm/headless';
import { SlicedScreenSerializer } from '../../src/sessions/sliced-screen-serializer';

type Core = { _core: { writeSync(data: string | Uint8Array): void } };

function terminal(cols: number, rows: number, scrollback = 100): { term: Terminal; addon: SerializeAddon; write(data: string): void } {
  const term = new Terminal({ cols, rows, scrollback, allowProposedApi: true, logLevel: 'off' });
  const addon = new SerializeAddon();
  term.loadAddon(addon);
  return { term, addon, write: (data) => (term as unknown as Core)._core.writeSync(data) };
}

/** Serialized one logical line per step (a budget of 0 ms still does one line). */
function sliced(term: Terminal, addon: SerializeAddon, scrollback: number): string {
  const serializer = new SlicedScreenSerializer(term, addon, scrollback);
  let steps = 1;
  while (!serializer.step(0)) steps++;
  expect(steps).toBeGreaterThan(1); // it really went in slices
  return serializer.result().toString('utf8');
}

function cellState(cell: IBufferCell): string {
  return [cell.getChars(), cell.getWidth(), cell.getFgColorMode(), cell.getFgColor(), cell.getBgColorMode(), cell.getBgColor(),
    cell.isBold(), cell.isItalic(), cell.isUnderline(), cell.isInverse(), cell.isDim(), cell.isStrikethrough(), cell.isInvisible()].join('|');
}

/** Everything a client's terminal shows after writing `snapshot` into a reset terminal of this size. */
function rendered(cols: number, rows: number, snapshot: string): Record<string, unknown> {
  const { term, write } = terminal(cols, rows);
  write(snapshot);
  write('Z'); // takes the current attributes: they must be restored too
  const describe = (buffer: typeof term.buffer.normal) => {
    const lines: string[] = [];
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y)!;
      const cells: string[] = [];
      for (let x = 0; x < cols; x++) cells.push(cellState(line.getCell(x)!));
      lines.push(`${line.isWrapped ? 'w' : '-'} ${cells.join(' ')}`);
    }
    // Trailing empty lines are not content (the addon trims them, the sliced form writes them).
    while (lines.length > 0 && /^- (\|1\|0\|0\|0\|0(\|false){7} ?)*$/.test(lines[lines.length - 1])) lines.pop();
    return { lines, cursor: [buffer.cursorX, buffer.cursorY] };
  };
  const result = { type: term.buffer.active.type, normal: describe(term.buffer.normal), alternate: describe(term.buffer.alternate), modes: { ...term.modes } };
  term.dispose();
  return result;
}

describe('SlicedScreenSerializer', () => {
  const screens: Array<[string, number, number, string]> = [
    ['colours, bold, wide and combining characters, scrollback', 30, 6,
      Array.from({ length: 20 }, (_, i) => `\x1b[3${i % 8};4${(i + 3) % 8}m${i}\x1b[1m 日本 e\u0301 \x1b[0m\x1b[48;5;${i}m  \x1b[0m tail`).join('\r\n')],
    ['wrapped lines and coloured blank cells (erase with a background)', 12, 5,
      `${'abcdefghijklmnopqrstuvwxyz'.repeat(2)}\r\n\x1b[44mblue\x1b[K\x1b[0m\r\n\x1b[41m   \x1b[0mx\r\n` + '0123456789AB' + 'wrap-exactly-at-the-edge'],
    ['truecolor, cursor moved up, attributes left set, modes', 20, 4,
      '\x1b[38;2;10;20;30mrgb\x1b[0m line1\r\nline2\r\nline3\x1b[2A\x1b[5G\x1b[1;33m\x1b[?1h\x1b[?2004h\x1b[?1000h'],
    ['cursor past the last column (the next character wraps)', 8, 3, 'one\r\n12345678'],
    ['alternate screen (a full-screen program)', 16, 5,
      'shell prompt$ vim\r\n\x1b[?1049h\x1b[H\x1b[7m status \x1b[0m\x1b[3;4Hin alt\x1b[2;1H'],
  ];

  test.each(screens)('%s: the same terminal as the addon\'s one-call serialize', (_name, cols, rows, output) => {
    const { term, addon, write } = terminal(cols, rows, 50);
    write(output);
    const whole = addon.serialize({ scrollback: 50 });
    const inSlices = sliced(term, addon, 50);
    expect(rendered(cols, rows, inSlices)).toEqual(rendered(cols, rows, whole));
    term.dispose();
  });

  test('bounds the scrollback like serialize({ scrollback })', () => {
    const { term, addon, write } = terminal(10, 3, 100);
    write(Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\r\n'));
    expect(rendered(10, 3, sliced(term, addon, 5))).toEqual(rendered(10, 3, addon.serialize({ scrollback: 5 })));
    term.dispose();
  });

  test('a 1000×1000 screen in slices: each slice is a small part of the one-call serialize', () => {
    const { term, addon, write } = terminal(1000, 1000, 0);
    let text = '';
    for (let i = 0; i < 1000; i++) text += `\x1b[3${i % 8}m${'x'.repeat(990)}\r\n`;
    write(text);
    let started = performance.now();
    const whole = addon.serialize({ scrollback: 0 });
    const wholeMs = performance.now() - started;
    const serializer = new SlicedScreenSerializer(term, addon, 0);
    let longest = 0;
    let steps = 0;
    for (let done = false; !done; steps++) {
      started = performance.now();
      done = serializer.step(3);
      longest = Math.max(longest, performance.now() - started);
    }
    // Times are relative: this machine (and jest) may be slow, but a slice is a slice.
    expect(steps).toBeGreaterThan(5);
    expect(longest).toBeLessThan(wholeMs / 4);
    started = performance.now();
    const result = serializer.result();
    longest = Math.max(longest, performance.now() - started); // putting it together is no big block either
    expect(longest).toBeLessThan(wholeMs / 4);
    expect(rendered(1000, 1000, result.toString('utf8'))).toEqual(rendered(1000, 1000, whole));
    term.dispose();
  });

  test('supported() checks the addon internals it uses', () => {
    expect(SlicedScreenSerializer.supported(new SerializeAddon())).toBe(true);
    expect(SlicedScreenSerializer.supported({} as SerializeAddon)).toBe(false);
  });
});
