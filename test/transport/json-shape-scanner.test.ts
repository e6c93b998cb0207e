import { JsonShapeScanner } from '../../src/transport/json-shape-scanner';

/** Scan `text` cut into pieces of `piece` bytes; the problem found, or null. */
function scan(text: string, limits = { maxDepth: 3, maxKeys: 5 }, piece = Infinity): string | null {
  const scanner = new JsonShapeScanner(limits);
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += Math.min(piece, bytes.length)) if (!scanner.feed(bytes.subarray(at, at + piece))) break;
  return scanner.problem;
}

describe('JsonShapeScanner', () => {
  test('counts nesting and keys plus array elements; string content is never structure', () => {
    const doc = '{"a":[1,2,{"b":"[[[[{{{{\\"\\\\"}]}'; // a, 1, 2, {..}, b = 5; depth 3
    expect(scan(doc)).toBeNull();
    expect(scan(doc, { maxDepth: 2, maxKeys: 5 })).toMatch(/deeper than 2/);
    expect(scan(doc, { maxDepth: 3, maxKeys: 4 })).toMatch(/more than 4 keys/);
    expect(scan('[[], {}, [ ]]', { maxDepth: 2, maxKeys: 3 })).toBeNull(); // empty containers hold nothing
    expect(scan('"just a string with [ and {"')).toBeNull();
  });

  test('the same verdict however the body is cut into chunks (escapes and UTF-8 across boundaries)', () => {
    const doc = JSON.stringify({ text: 'é"\\[]{}日本', list: [1, 'x"]', [2]] });
    const verdicts = new Set<string | null>();
    for (let piece = 1; piece <= doc.length; piece++) verdicts.add(scan(doc, { maxDepth: 3, maxKeys: 10 }, piece));
    expect([...verdicts]).toEqual([null]);
    const deep = '['.repeat(40) + ']'.repeat(40);
    for (const piece of [1, 7, 64]) expect(scan(deep, { maxDepth: 32, maxKeys: 100 }, piece)).toMatch(/deeper than 32/);
  });

  test('stops at the first byte past a limit: a 1 MiB nested body costs microseconds', () => {
    const scanner = new JsonShapeScanner({ maxDepth: 32, maxKeys: 10_000 });
    const body = Buffer.concat([Buffer.alloc(524_280, '['), Buffer.alloc(524_280, ']')]);
    const started = performance.now();
    expect(scanner.feed(body)).toBe(false);
    expect(performance.now() - started).toBeLessThan(5);
    expect(scanner.feed(Buffer.from('[]'))).toBe(false); // refused for good
  });
});
