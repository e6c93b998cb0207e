/** Limits on the shape of a JSON document, see {@link JsonShapeScanner}. */
export interface JsonShapeLimits {
  /** Deepest nesting of objects and arrays (`{"a":[1]}` is 2). */
  maxDepth: number;
  /** Most object keys plus array elements in the whole document. */
  maxKeys: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * A linear, streaming look at a JSON body's nesting depth and key count, before `JSON.parse` sees
 * it. `JSON.parse` of 512 Ki `[` and as many `]` (1 MiB) blocks the event loop for ~270 ms and
 * allocates hundreds of MiB; this scan skips string content with the native `indexOf` (a 1 MiB
 * string: ~0.1 ms) and visits structure bytes one by one (9,000 numbers: ~0.2 ms), chunk by chunk as
 * the body arrives, and stops at the first byte past a limit, so such a body is refused while it is
 * still being received.
 *
 * It only counts: brackets and braces outside strings (depth), colons (object keys) and array
 * elements. Bytes it looks for never occur inside multi-byte UTF-8 sequences, so it works on raw
 * bytes. Malformed JSON is left to `JSON.parse`, which refuses it after the scan (with the limits
 * holding, cheaply).
 */
export class JsonShapeScanner {
  private depth = 0;
  private keys = 0;
  private inString = false;
  private escaped = false;
  /** Container kinds, innermost last: true for an array (bounded by maxDepth). */
  private readonly arrays: boolean[] = [];
  /** Just after `[`: the next non-space byte, unless `]`, starts the first element. */
  private awaitingFirst = false;
  /** Why the document is refused (set once, then the scan stops). */
  problem: string | null = null;

  constructor(private readonly limits: JsonShapeLimits) {}

  /** Scan the next chunk; false once a limit is exceeded (see `problem`). */
  feed(chunk: Buffer): boolean {
    if (this.problem !== null) return false;
    // Strings are skipped with the native indexOf (most of a large body is string content).
    let nextBackslash = -2;
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          continue;
        }
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        const quote = chunk.indexOf(QUOTE, i);
        if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
          i = nextBackslash; // the byte after it is escaped
          this.escaped = true;
          continue;
        }
        if (quote === -1) break; // the string goes on in the next chunk
        i = quote;
        this.inString = false;
        continue;
      }
      const byte = chunk[i];
      if (this.awaitingFirst && !isWhitespace(byte)) {
        this.awaitingFirst = false;
        if (byte !== CLOSE_ARRAY && !this.count()) return false;
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (++this.depth > this.limits.maxDepth) return this.fail(`JSON nested deeper than ${this.limits.maxDepth} levels`);
          this.arrays.push(byte === OPEN_ARRAY);
          this.awaitingFirst = byte === OPEN_ARRAY;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (this.depth > 0) this.depth--;
          this.arrays.pop();
          break;
        case COLON:
          if (!this.count()) return false;
          break;
        case COMMA:
          if (this.arrays[this.arrays.length - 1] === true && !this.count()) return false;
          break;
      }
    }
    return true;
  }

  private count(): boolean {
    return ++this.keys <= this.limits.maxKeys || this.fail(`JSON with more than ${this.limits.maxKeys} keys and array elements`);
  }

  private fail(problem: string): false {
    this.problem = problem;
    return false;
  }
}
