/** What {@link TerminalStateParser} reports while it scans output. */
export interface TerminalStateListener {
  /** OSC 0 or 2 set the title (raw text, not yet sanitized; never longer than the OSC cap). */
  title(text: string): void;
  /** A BEL outside any escape sequence. */
  bell(): void;
  /** An OSC 133 mark: `A` prompt start, `B` command start (input), `C` command executing, `D` finished (`exitCode` when given). */
  mark(kind: 'A' | 'B' | 'C' | 'D', exitCode: number | null): void;
}

const ESC = 0x1b;
const BEL = 0x07;
const BACKSLASH = 0x5c;

/** Parser states; only the ones that must survive a chunk boundary. */
const enum State {
  Ground,
  /** After ESC. */
  Escape,
  /** After ESC ] : the OSC string until BEL or ST (ESC \). */
  Osc,
  /** ESC seen inside an OSC: `\` ends it (ST), anything else aborts it. */
  OscEscape,
  /** DCS, SOS, PM, APC (ESC P, X, ^, _): a string until ST; a BEL inside is not a bell. */
  String,
  /** ESC seen inside such a string. */
  StringEscape,
}

/**
 * Incremental scanner for the few things the agent wants from a session's output: titles (OSC 0/2),
 * bells and shell integration marks (OSC 133). It is fed every output chunk in order and keeps its
 * state across chunk boundaries (a sequence may be split anywhere).
 *
 * Cost: in the ground state it only looks for ESC and BEL with `Buffer.indexOf` (native memchr),
 * remembering where the next of each is so a chunk is searched for each byte at most once; plain
 * text costs two memchr passes. CSI sequences (colours, cursor moves) need no state: after the
 * byte that follows their ESC, the ground scan goes on. Only OSC strings are copied, and only up to `maxOscBytes`: a longer
 * one (a title of megabytes) is skipped to its end without being buffered, then dropped.
 */
export class TerminalStateParser {
  private state = State.Ground;
  /** OSC bytes collected so far (only while under the cap). */
  private osc: Buffer[] = [];
  private oscBytes = 0;
  private oscOverflow = false;

  constructor(
    private readonly listener: TerminalStateListener,
    /** Longest OSC string kept; longer ones are ignored whole. */
    private readonly maxOscBytes = 4096,
  ) {}

  feed(chunk: Buffer): void {
    const end = chunk.length;
    let i = 0;
    // Where the next ESC / BEL are (-1: none left in this chunk); searched again only once passed.
    let nextEsc = -2;
    let nextBel = -2;
    while (i < end) {
      switch (this.state) {
        case State.Ground: {
          if (nextEsc !== -1 && nextEsc < i) nextEsc = chunk.indexOf(ESC, i);
          if (nextBel !== -1 && nextBel < i) nextBel = chunk.indexOf(BEL, i);
          if (nextEsc === -1 && nextBel === -1) return;
          if (nextBel !== -1 && (nextEsc === -1 || nextBel < nextEsc)) {
            this.listener.bell();
            i = nextBel + 1;
          } else {
            this.state = State.Escape;
            i = nextEsc + 1;
          }
          break;
        }
        case State.Escape: {
          const byte = chunk[i++];
          if (byte === 0x5d) this.startOsc(); // ]
          else if (byte === 0x50 || byte === 0x58 || byte === 0x5e || byte === 0x5f) this.state = State.String; // P X ^ _
          else if (byte === ESC) this.state = State.Escape;
          // CSI (ESC [) and every other sequence: their bytes are never ESC or ']' after the first,
          // and a BEL inside a CSI is executed as a bell by terminals (xterm's parser does), so the
          // ground scan handles them without a state of their own.
          else this.state = State.Ground;
          break;
        }
        case State.Osc: {
          // The OSC ends at BEL or ESC (the start of ST); both searched natively.
          const bel = chunk.indexOf(BEL, i);
          const esc = chunk.indexOf(ESC, i);
          const stop = bel === -1 ? esc : esc === -1 ? bel : Math.min(bel, esc);
          if (stop === -1) {
            this.collect(chunk, i, end);
            return;
          }
          this.collect(chunk, i, stop);
          i = stop + 1;
          if (chunk[stop] === BEL) this.endOsc();
          else this.state = State.OscEscape;
          break;
        }
        case State.OscEscape: {
          const byte = chunk[i];
          if (byte === BACKSLASH) {
            i++;
            this.endOsc();
          } else {
            // Not ST: the OSC is aborted and this ESC starts a new sequence.
            this.dropOsc();
            this.state = State.Escape;
          }
          break;
        }
        case State.String: {
          const esc = chunk.indexOf(ESC, i);
          if (esc === -1) return;
          i = esc + 1;
          this.state = State.StringEscape;
          break;
        }
        case State.StringEscape: {
          if (chunk[i] === BACKSLASH) {
            i++;
            this.state = State.Ground;
          } else {
            this.state = State.Escape;
          }
          break;
        }
      }
    }
  }

  private startOsc(): void {
    this.state = State.Osc;
    this.osc = [];
    this.oscBytes = 0;
    this.oscOverflow = false;
  }

  private collect(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.oscOverflow) return;
    if (this.oscBytes + (to - from) > this.maxOscBytes) {
      // Too long to be anything we want: skip the rest without keeping it.
      this.oscOverflow = true;
      this.osc = [];
      return;
    }
    // A copy: the chunk's memory is the ring's or the PTY's, reused after this call.
    this.osc.push(Buffer.from(chunk.subarray(from, to)));
    this.oscBytes += to - from;
  }

  private dropOsc(): void {
    this.osc = [];
    this.oscBytes = 0;
    this.oscOverflow = false;
  }

  private endOsc(): void {
    this.state = State.Ground;
    if (this.oscOverflow) return this.dropOsc();
    const text = (this.osc.length === 1 ? this.osc[0] : Buffer.concat(this.osc)).toString('utf8');
    this.dropOsc();
    const semicolon = text.indexOf(';');
    const command = semicolon === -1 ? text : text.slice(0, semicolon);
    const argument = semicolon === -1 ? '' : text.slice(semicolon + 1);
    if (command === '0' || command === '2') {
      this.listener.title(argument);
    } else if (command === '133') {
      const kind = argument.charAt(0);
      if (kind === 'A' || kind === 'B' || kind === 'C' || kind === 'D') {
        // `D;<exit>[;...]`: the exit code, when the shell gives one.
        const code = kind === 'D' ? /^D;(-?\d{1,10})(?:;|$)/.exec(argument) : null;
        this.listener.mark(kind, code ? Number(code[1]) : null);
      }
    }
  }
}
