import { TerminalStateParser } from '../../src/sessions/terminal-state-parser';
import { sanitizeTitle } from '../../src/sessions/sanitize-title';
import { parseTpgid } from '../../src/sessions/foreground-probe';

type Seen = Array<string>;

function scan(chunks: Array<string | Buffer>, maxOscBytes = 4096): Seen {
  const seen: Seen = [];
  const parser = new TerminalStateParser({
    title: (text) => seen.push(`title:${text}`),
    bell: () => seen.push('bell'),
    mark: (kind, code) => seen.push(`mark:${kind}${code === null ? '' : `:${code}`}`),
  }, maxOscBytes);
  for (const chunk of chunks) parser.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  return seen;
}

/** Every way of cutting `text` in two, and byte by byte: the parser must see the same thing. */
function everySplit(text: string): Seen[] {
  const results = [scan([...text])];
  for (let cut = 0; cut <= text.length; cut++) results.push(scan([text.slice(0, cut), text.slice(cut)]));
  return results;
}

describe('TerminalStateParser', () => {
  it('reports a BEL outside sequences as a bell, and a BEL that ends an OSC as none', () => {
    expect(scan(['a\x07b'])).toEqual(['bell']);
    expect(scan(['\x1b]0;x\x07'])).toEqual(['title:x']);
    expect(scan(['\x1b]2;two\x1b\\', '\x07'])).toEqual(['title:two', 'bell']);
  });

  it('keeps its state across any chunk boundary', () => {
    const text = 'ls\x1b[1;31mred\x1b[0m\x07\x1b]0;build\x07\x1b]133;C\x07out\x1b]133;D;1\x07\x1bP+q\x07\x1b\\\x07';
    const expected = ['bell', 'title:build', 'mark:C', 'mark:D:1', 'bell'];
    for (const seen of everySplit(text)) expect(seen).toEqual(expected);
  });

  it('counts a BEL inside a CSI as a bell, as terminals execute it there', () => {
    expect(scan(['\x1b[1;\x0731m'])).toEqual(['bell']);
  });

  it('ignores BEL inside strings (DCS, APC) and OSC kinds it does not know', () => {
    expect(scan(['\x1b_app\x07data\x1b\\', '\x1b]8;;http://x\x07link\x1b]8;;\x07'])).toEqual([]);
  });

  it('aborts an OSC at an ESC that does not start ST, and parses what follows', () => {
    expect(scan(['\x1b]0;half\x1b[2J\x07'])).toEqual(['bell']);
  });

  it('drops an OSC longer than the cap without keeping it, and goes on afterwards', () => {
    const huge = Buffer.alloc(1024 * 1024, 0x61);
    expect(scan([Buffer.from('\x1b]0;'), huge, huge, Buffer.from('\x07\x1b]0;after\x07\x07')], 4096)).toEqual(['title:after', 'bell']);
  });

  it('reads OSC 133 marks with and without an exit code', () => {
    expect(scan(['\x1b]133;A\x07\x1b]133;B\x07\x1b]133;C\x07\x1b]133;D\x07\x1b]133;D;130;aid=1\x07'])).toEqual(['mark:A', 'mark:B', 'mark:C', 'mark:D', 'mark:D:130']);
  });
});

describe('sanitizeTitle', () => {
  it('removes control characters, trims and caps on a code point boundary', () => {
    expect(sanitizeTitle('  a\tb\u0001c\u009b  ', 256)).toBe('abc');
    expect(sanitizeTitle('x'.repeat(1000), 256)).toHaveLength(256);
    expect(sanitizeTitle('ab😀', 3)).toBe('ab');
    expect(sanitizeTitle('\u0007\u001b', 256)).toBeNull();
  });
});

describe('parseTpgid', () => {
  it('reads field 8 even when the process name holds spaces and parentheses', () => {
    expect(parseTpgid('1234 (my (odd) name) S 1 1234 1234 34816 5678 4194560 0 0')).toBe(5678);
    expect(parseTpgid('1234 (bash) S 1 1234 1234 0 -1 4194560')).toBeNull();
  });
});
