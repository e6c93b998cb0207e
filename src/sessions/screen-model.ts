import { Terminal } from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';
import type { Clock, Disposable } from '../plugin-api';
import type { OutputRing } from './output-ring';
import type { ResizeLog } from './resize-log';
import { SlicedScreenSerializer } from './sliced-screen-serializer';

/** The serialized screen at one output offset. */
export interface ScreenSnapshot {
  /** Output offset the screen corresponds to: the client continues with OUTPUT from here. */
  readonly offset: number;
  readonly cols: number;
  readonly rows: number;
  /** Escape sequences that rebuild the screen (and bounded scrollback) in a reset terminal. */
  readonly data: Buffer;
  /** Last resize event the snapshot already includes. */
  readonly resizeSeq: number;
}

export interface ScreenModelOptions {
  scrollback: number;
  maxSnapshotBytes: number;
  /** Drop the emulator after this long without a snapshot or text request (0: never). */
  idleMs: number;
  /** Output silence before background catch-up starts. */
  quietMs?: number;
  /** Bytes parsed per event-loop turn when catching up in slices (default 32 KiB). */
  sliceBytes?: number;
  /**
   * A new emulator replays at most this much of the ring's tail (from a line start), not the whole
   * ring: the screen and its bounded scrollback live in the last lines, and parsing 4 MiB would
   * block the event loop for ~120 ms on a cold join. Default 512 KiB. Line-oriented output replays
   * less: the last `scrollback + rows` lines (and at least 16 KiB).
   */
  replayBytes?: number;
}

/**
 * The parts of @xterm/headless 6.0.0 used beyond its public API: `writeSync` (the public `write`
 * is asynchronous, but snapshots must be taken at an exact offset) and the parser state (to avoid
 * cutting a snapshot in the middle of an escape sequence). Checked at runtime; the version is pinned.
 */
interface XtermInternals {
  _core?: {
    writeSync?(data: Uint8Array): void;
    _inputHandler?: { _parser?: { currentState?: number } };
  };
}

const GROUND_STATE = 0;
const ESC = 0x1b;
const MAX_PREPARE_TURNS = 64;
const ESC_SEARCH_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const DEFAULT_REPLAY_BYTES = 512 * 1024;
/** A new emulator replays at least this much (cheap), so modes set shortly before are kept. */
const MIN_REPLAY_BYTES = 16 * 1024;
/** Backlog that makes the emulator catch up in the background (below it, snapshots parse it). */
const BACKGROUND_MIN_BYTES = 32 * 1024;
/** Lines replayed beyond scrollback + rows (wrapped and cursor-moved lines). */
const LINE_MARGIN = 16;
/** How far before the replay window to look for a line start. */
const LINE_SEARCH_BYTES = 16 * 1024;
/**
 * Bytes parsed per event-loop turn when catching up in slices: parsing costs ~50-100 µs per KiB of
 * styled output, so 32 KiB keeps each turn to a few milliseconds (256 KiB took 10-25 ms).
 */
const DEFAULT_SLICE_BYTES = 32 * 1024;
/**
 * Most scrollback cells (lines × columns) a snapshot serializes. Serializing costs per cell, not
 * per byte: 200 lines of a 1000-column terminal are 200,000 cells (~25 ms); 200 lines at 120
 * columns (24,000 cells) stay whole under this budget.
 */
const MAX_SCROLLBACK_CELLS = 48_000;
/**
 * A snapshot of more cells than this (columns × (rows + scrollback rows)) is serialized in slices
 * by prepare() (see SlicedScreenSerializer): the default 120×40 with 200 lines is 28,800 cells.
 */
const SLICED_SNAPSHOT_CELLS = 32_000;
/**
 * A sliced snapshot (a huge screen's: ~200 ms of work in slices) is reused for attaches within this
 * long, so re-attaching in a loop cannot keep the agent busy serializing.
 */
const SLICED_SNAPSHOT_REUSE_MS = 1000;
/** Time one slice of a sliced snapshot may take. */
const SERIALIZE_SLICE_MS = 3;
/**
 * Cells of new rows an emulator grows by per event-loop turn when it catches up in slices:
 * allocating a 1000×1000 screen at once takes 7-45 ms (new Terminal, or a resize to it), 32 rows of
 * 1000 columns well under a millisecond on a quiet machine.
 */
const GROW_CELLS = 32_000;
/**
 * An emulator holding more cells than this (columns × lines) is not reflowed on a width change but
 * started afresh at the resize (see catchUp): 120 columns × 240 lines are 28,800 cells.
 */
const REFLOW_CELLS = 64_000;

/**
 * Lazy server-side terminal emulator for one session, used for snapshots (late joiners, clients
 * that fell out of the ring) and the text API. It is never fed on the output hot path: it keeps
 * its own parsed offset and catches up from the ring when output has been quiet for a moment and
 * the backlog is 32 KiB or more (in slices, one per event-loop turn), or synchronously when a
 * snapshot or the text is requested.
 *
 * The emulator (~140 KiB of heap and ~70 KiB of typed arrays for an idle 120×40 shell, MBs for
 * big screens) exists only while needed: created by a snapshot or text request and dropped
 * `idleMs` after the last one, whether or not clients are attached (an attached client reads
 * OUTPUT, not the emulator: keeping it for every watched session was most of what a watched
 * session cost). A new emulator, or one whose parsed offset fell out of the ring, replays the
 * ring's tail (`replayBytes`, from a line start): state older than that is lost (an accepted
 * approximation; full-screen programs redraw, shells show their last lines).
 */
export class ScreenModel {
  private term: Terminal | null = null;
  private serializer: SerializeAddon | null = null;
  private parsed = 0;
  private appliedSeq = -1;
  /** The size as of `appliedSeq`; the emulator may still be growing toward it (see reachSize). */
  private size = { cols: 0, rows: 0 };
  private idleTimer: Disposable | null = null;
  private quietTimer: Disposable | null = null;
  private outputSinceTick = false;
  private slicing: NodeJS.Immediate | null = null;
  /** A sliced snapshot is being serialized: the emulator must not parse meanwhile. */
  private serializing = false;
  private preparing: Promise<void> | null = null;
  private cached: ScreenSnapshot | null = null;
  private cachedAt = -1;
  private cachedSeq = -1;
  /** A snapshot prepare() serialized in slices: served by snapshot() until the emulator parses more. */
  private prepared: ScreenSnapshot | null = null;
  /** prepare() waiting for the interval of SLICED_SNAPSHOT_REUSE_MS to end (dispose ends it). */
  private waiting: { timer: Disposable; finish: () => void } | null = null;
  /** The last sliced snapshot and when it was made (see SLICED_SNAPSHOT_REUSE_MS). */
  private recentSliced: { snapshot: ScreenSnapshot; madeAt: number } | null = null;
  private resetCount = 0;
  private readonly quietMs: number;
  private readonly sliceBytes: number;

  constructor(
    private readonly ring: OutputRing,
    private readonly resizes: ResizeLog,
    private readonly options: ScreenModelOptions,
    private readonly clock: Clock,
  ) {
    this.quietMs = options.quietMs ?? 10;
    this.sliceBytes = options.sliceBytes ?? DEFAULT_SLICE_BYTES;
  }

  /** Whether the emulator exists right now. */
  get live(): boolean {
    return this.term !== null;
  }

  /** Offset up to which the emulator has parsed. */
  get parsedOffset(): number {
    return this.parsed;
  }

  /** Times the emulator started over because its position fell out of the ring. */
  get resets(): number {
    return this.resetCount;
  }

  /**
   * Called for every output chunk (after it is in the ring); only notes that output is flowing.
   * A backlog under BACKGROUND_MIN_BYTES is left for the next snapshot to parse (well under a
   * millisecond): catching up after every keystroke echo would put emulator work between keystrokes.
   */
  noteOutput(): void {
    if (this.term === null) return;
    this.outputSinceTick = true;
    // A huge screen is not kept up to date in the background: every width change would start it
    // afresh and every output burst re-parse into 12 MB of cells, work nobody may ask for. Its
    // snapshots catch up on demand, in slices (prepare).
    if (this.quietTimer === null && this.ring.end - this.parsed >= BACKGROUND_MIN_BYTES && !this.huge()) this.quietTimer = this.clock.setTimeout(this.onQuietTick, this.quietMs);
  }

  /**
   * Catch up asynchronously (a slice per turn) until the rest is small enough to parse at once, so
   * a snapshot after a big backlog does not block the event loop for long. For a huge screen
   * (1000×1000: serializing it in one call blocks ~120 ms), also serialize the snapshot, a few
   * milliseconds per turn, with the emulator frozen meanwhile; snapshot() then serves it.
   */
  prepare(): Promise<void> {
    if (this.preparing) return this.preparing;
    let resolve!: () => void;
    // Assigned before the first turn runs: a turn that finishes at once clears it again.
    const preparing = new Promise<void>((done) => (resolve = done));
    this.preparing = preparing;
    const finish = (): void => {
      this.preparing = null;
      resolve();
    };
    const turn = (count: number): void => {
      try {
        this.ensure();
        // A stale emulator starts over from the replay window; keep slicing that too.
        if (this.parsed < this.ring.start) {
          this.dropTerminal();
          this.createTerminal();
          this.resetCount++;
        }
        const huge = this.huge();
        const recent = this.recentSliced;
        const age = recent === null ? Infinity : this.clock.now() - recent.madeAt;
        if (huge && recent !== null && age < SLICED_SNAPSHOT_REUSE_MS) {
          // At most one huge snapshot per interval. A client that attaches again and again (or
          // many at once) gets the one made a moment ago and the output since as OUTPUT; when a
          // flood has already pushed that one out of the ring, the next is built once the interval
          // is over (the client is behind anyway; it gets a snapshot, then OUTPUT, then resyncs).
          if (recent.snapshot.offset >= this.ring.start) {
            this.prepared = recent.snapshot;
            return finish();
          }
          const timer = this.clock.setTimeout(() => {
            this.waiting = null;
            turn(count);
          }, SLICED_SNAPSHOT_REUSE_MS - age);
          this.waiting = { timer, finish };
          return;
        }
        if (huge && !this.sized) {
          // Growing to its size comes before anything else (and is bounded: a step per turn).
          this.reachSize(true);
          setImmediate(turn, count + 1);
          return;
        }
        if (this.ring.end - this.parsed > this.sliceBytes && count < MAX_PREPARE_TURNS) {
          this.catchUp(this.ring.end, this.sliceBytes);
          setImmediate(turn, count + 1);
          return;
        }
        if (!huge) return finish();
        // The small rest, a slice at most: when the turns ran out (output keeps coming) the snapshot
        // is taken where parsing got to, which is as good as at the end: the client gets the rest
        // as OUTPUT from the snapshot's offset. (A resize in it may leave the emulator growing.)
        if (count < MAX_PREPARE_TURNS) {
          this.catchUp(this.ring.end, this.sliceBytes);
          if (!this.sized) {
            setImmediate(turn, count + 1);
            return;
          }
        }
        if (this.prepared !== null) return finish(); // nothing new since the last one
        this.serializeInSlices(finish);
      } catch {
        // The caller's synchronous snapshot()/text() reports real failures.
        finish();
      }
    };
    turn(0);
    return preparing;
  }

  /**
   * The screen now (catches up synchronously first); or, for a huge screen, the snapshot prepare()
   * serialized in slices, at the offset it was taken: the client gets the output since as OUTPUT,
   * and if that left the ring meanwhile (a flood), the stream resyncs it with the next snapshot.
   */
  snapshot(): ScreenSnapshot {
    this.ensure();
    this.scheduleIdle();
    if (this.prepared !== null) return this.prepared;
    this.catchUp(this.ring.end);
    if (this.cached && this.cachedAt === this.parsed && this.cachedSeq === this.appliedSeq) return this.cached;
    const term = this.term!;
    const snapshot: ScreenSnapshot = { offset: this.snapshotOffset(), cols: term.cols, rows: term.rows, data: this.serializeBounded(), resizeSeq: this.appliedSeq };
    this.cached = snapshot;
    this.cachedAt = this.parsed;
    this.cachedSeq = this.appliedSeq;
    return snapshot;
  }

  /** Visible screen lines, trailing spaces trimmed, joined with `\n`. */
  text(): string {
    this.ensure();
    this.scheduleIdle();
    this.catchUp(this.ring.end);
    const term = this.term!;
    const buffer = term.buffer.active;
    const lines: string[] = [];
    // translateToString(true) trims only never-written cells; written spaces are trimmed here.
    for (let y = 0; y < term.rows; y++) lines.push((buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '').replace(/ +$/, ''));
    return lines.join('\n');
  }

  /** Where a snapshot of the emulator's screen now continues: its parsed offset, or the ESC of a sequence it is in. */
  private snapshotOffset(): number {
    if (this.parserState() === GROUND_STATE) return this.parsed;
    // Mid escape sequence: the serialized screen cannot express the parser's state, so the client
    // continues from the sequence's ESC and parses it whole. Until it completes it changed nothing.
    const esc = this.ring.lastIndexOf(ESC, this.parsed, Math.max(this.ring.start, this.parsed - ESC_SEARCH_BYTES));
    return esc >= 0 ? esc : this.parsed;
  }

  /** Scrollback lines a snapshot carries: the configured ones, within MAX_SCROLLBACK_CELLS. */
  private snapshotLines(cols = this.size.cols): number {
    return Math.min(this.options.scrollback, Math.floor(MAX_SCROLLBACK_CELLS / cols));
  }

  /**
   * Whether a snapshot of this screen is serialized in slices (see SLICED_SNAPSHOT_CELLS): at the
   * size applied so far, or at the size of the last resize in the ring. A resize to 1000×1000 not
   * parsed yet counted as small, so prepare() left it to snapshot(), which grew, parsed and
   * serialized the huge screen in one go (~120 ms of blocked event loop, seen in the hostile bench).
   */
  private huge(): boolean {
    if (this.term === null || !SlicedScreenSerializer.supported(this.serializer!)) return false;
    const pending = this.resizes.at(this.ring.end);
    return this.snapshotCells(this.size.cols, this.size.rows) > SLICED_SNAPSHOT_CELLS || this.snapshotCells(pending.cols, pending.rows) > SLICED_SNAPSHOT_CELLS;
  }

  /** Cells a snapshot of a `cols`×`rows` screen serializes, with its scrollback. */
  private snapshotCells(cols: number, rows: number): number {
    return cols * (rows + this.snapshotLines(cols));
  }

  /**
   * Serialize the snapshot a slice per turn. The emulator is frozen meanwhile: catchUp() parses
   * nothing while `serializing` (text() answers from the frozen screen).
   */
  private serializeInSlices(done: () => void): void {
    const term = this.term!;
    const at = this.parsed;
    const seq = this.appliedSeq;
    const offset = this.snapshotOffset();
    const serializer = new SlicedScreenSerializer(term, this.serializer!, this.snapshotLines());
    this.serializing = true;
    const slice = (): void => {
      try {
        if (this.term !== term) {
          // Dropped meanwhile (disposed, idle): nothing to serialize; snapshot() starts over.
          this.serializing = false;
          return done();
        }
        if (!serializer.step(SERIALIZE_SLICE_MS)) {
          setImmediate(slice);
          return;
        }
        const snapshot: ScreenSnapshot = { offset, cols: term.cols, rows: term.rows, data: serializer.result(), resizeSeq: seq };
        this.prepared = snapshot;
        this.recentSliced = { snapshot, madeAt: this.clock.now() };
        this.cached = snapshot;
        this.cachedAt = at;
        this.cachedSeq = seq;
        this.serializing = false;
        this.scheduleIdle();
        done();
      } catch {
        this.serializing = false;
        done(); // snapshot() reports real failures
      }
    };
    setImmediate(slice);
  }

  /** Drop the emulator and every timer. The model can be used again (it starts over). */
  dispose(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.timer.dispose();
    waiting?.finish();
    // Kept across an emulator that starts over (a flood pushed it out of the ring), not this.
    this.recentSliced = null;
    this.cancelIdle();
    this.quietTimer?.dispose();
    this.quietTimer = null;
    if (this.slicing) clearImmediate(this.slicing);
    this.slicing = null;
    this.dropTerminal();
  }

  private readonly onQuietTick = (): void => {
    this.quietTimer = null;
    if (this.term === null) return;
    if (this.outputSinceTick) {
      this.outputSinceTick = false;
      this.quietTimer = this.clock.setTimeout(this.onQuietTick, this.quietMs);
      return;
    }
    if (this.slicing === null) this.slicing = setImmediate(this.sliceTurn);
  };

  private readonly sliceTurn = (): void => {
    this.slicing = null;
    // Output resumed (the quiet timer is armed again) or the emulator was dropped: stop here.
    // While a sliced snapshot is serialized the emulator stays as it is; the next quiet tick resumes.
    if (this.term === null || this.quietTimer !== null || this.serializing) return;
    this.catchUp(this.ring.end, this.sliceBytes);
    if (!this.sized || this.parsed < this.utf8SafeEnd(this.ring.end)) this.slicing = setImmediate(this.sliceTurn);
  };

  private ensure(): void {
    if (this.term === null) this.createTerminal();
  }

  /**
   * Where a new emulator starts: the start of the line `scrollback + rows + LINE_MARGIN` lines back
   * (all a snapshot can show, when the output is line-oriented), but at least MIN_REPLAY_BYTES
   * and at most `replayBytes` back (output without newlines, e.g. a full-screen program), from a
   * line start where one is near. The whole ring when it is smaller.
   */
  private replayStart(): number {
    const { start, end } = this.ring;
    const oldest = Math.max(start, end - (this.options.replayBytes ?? DEFAULT_REPLAY_BYTES));
    const newest = Math.max(oldest, end - MIN_REPLAY_BYTES);
    // Walk back over the newest lines; `cursor` ends on a newline or at `oldest`.
    let cursor = end;
    const lines = this.options.scrollback + this.resizes.at(end).rows + LINE_MARGIN;
    for (let n = 0; n < lines && cursor > oldest; n++) {
      const newline = this.ring.lastIndexOf(NEWLINE, cursor, oldest);
      cursor = newline < 0 ? oldest : newline;
    }
    const from = Math.min(cursor > oldest ? cursor + 1 : oldest, newest);
    if (from <= start) return start;
    if (this.ring.byteAt(from - 1) === NEWLINE) return from;
    const newline = this.ring.lastIndexOf(NEWLINE, from, Math.max(start, from - LINE_SEARCH_BYTES));
    return newline >= 0 ? newline + 1 : from;
  }

  /** A new emulator: from the replay window before the ring's end, or from `from` (see catchUp). */
  private createTerminal(from?: number): void {
    const replayFrom = from ?? this.replayStart();
    const size = this.resizes.at(replayFrom);
    // A huge screen starts small and grows a slice per turn when catching up in slices (reachSize).
    const term = new Terminal({
      cols: size.cols,
      rows: Math.min(size.rows, growRows(size.cols)),
      scrollback: this.options.scrollback,
      allowProposedApi: true,
      logLevel: 'off',
    });
    if (typeof (term as unknown as XtermInternals)._core?.writeSync !== 'function') {
      term.dispose();
      throw new Error('@xterm/headless lacks writeSync: the screen model needs the pinned 6.0.0');
    }
    const serializer = new SerializeAddon();
    term.loadAddon(serializer);
    this.term = term;
    this.serializer = serializer;
    this.parsed = replayFrom;
    this.appliedSeq = size.seq;
    this.size = { cols: size.cols, rows: size.rows };
    this.cached = null;
    this.scheduleIdle();
  }

  private dropTerminal(): void {
    this.serializer?.dispose();
    this.term?.dispose();
    this.serializer = null;
    this.term = null;
    this.cached = null;
    this.prepared = null;
    this.serializing = false;
    this.outputSinceTick = false;
  }

  /** Whether the emulator has the size of the last resize it applied (see reachSize). */
  private get sized(): boolean {
    return this.term === null || (this.term.cols === this.size.cols && this.term.rows === this.size.rows);
  }

  /**
   * Resize the emulator to `size`: at once, or, when `gradual` (catching up in slices), at most
   * GROW_CELLS of new rows per call, so a 1000×1000 screen is allocated over several turns. Returns
   * whether the size is reached (nothing may be parsed before).
   */
  private reachSize(gradual: boolean): boolean {
    const term = this.term!;
    const { cols, rows } = this.size;
    if (term.cols === cols && term.rows === rows) return true;
    this.prepared = null;
    const step = growRows(cols);
    if (!gradual || rows <= term.rows + step) {
      term.resize(cols, rows);
      return true;
    }
    term.resize(cols, term.rows + step);
    return false;
  }

  /**
   * Parse ring bytes (and apply resizes in order) up to `target`, at most `maxBytes` of them; a
   * limited call (a slice) also grows a huge screen only a step at a time.
   */
  private catchUp(target: number, maxBytes = Infinity): void {
    if (this.serializing) return; // frozen for a sliced snapshot (see serializeInSlices)
    if (this.parsed < this.ring.start) {
      this.resetCount++;
      this.dropTerminal();
      this.createTerminal();
    }
    const gradual = maxBytes !== Infinity;
    if (!this.reachSize(gradual)) return;
    const term = this.term!;
    const writeSync = (term as unknown as XtermInternals)._core!.writeSync!.bind((term as unknown as XtermInternals)._core);
    // Never stop inside a UTF-8 sequence: the emulator would hold half a character that a client
    // starting at `parsed` never sees.
    const end = this.utf8SafeEnd(Math.min(target, this.ring.end));
    let budget = maxBytes;
    for (;;) {
      const event = this.resizes.after(this.appliedSeq);
      if (event && event.offset <= this.parsed) {
        if (event.cols !== term.cols && term.cols * term.buffer.normal.length > REFLOW_CELLS) {
          // A width change reflows every line (a 1000×1000 screen: 100-400 ms in one go). Start a
          // new emulator at the resize instead: what was on the screen before it is not in later
          // snapshots (full-screen programs redraw on a resize; a shell's older lines are gone).
          // At the last resize up to `target`, not this one: a storm of resizes restarts it once.
          const last = this.resizes.at(Math.min(target, this.ring.end));
          this.dropTerminal();
          this.createTerminal(last.offset > event.offset ? last.offset : event.offset);
          return this.catchUp(target, maxBytes);
        }
        this.size = { cols: event.cols, rows: event.rows };
        this.appliedSeq = event.seq;
        if (!this.reachSize(gradual)) break;
        continue;
      }
      if (this.parsed >= end || budget <= 0) break;
      const stop = Math.min(end, event ? event.offset : Infinity, this.parsed + budget);
      const view = this.ring.peek(this.parsed, stop - this.parsed);
      if (view === null || view.length === 0) break;
      this.prepared = null; // the screen moves on: a sliced snapshot is no longer the latest
      writeSync(view);
      this.parsed += view.length;
      budget -= view.length;
    }
  }

  /** `end`, moved back to the start of an incomplete trailing UTF-8 sequence. */
  private utf8SafeEnd(end: number): number {
    for (let back = 1; back <= 3 && end - back >= this.parsed; back++) {
      const byte = this.ring.byteAt(end - back);
      if (byte < 0) break;
      if ((byte & 0xc0) === 0x80) continue;
      if (byte >= 0xc0) {
        const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
        if (back < length) return end - back;
      }
      break;
    }
    return end;
  }

  private parserState(): number {
    return (this.term as unknown as XtermInternals)._core?._inputHandler?._parser?.currentState ?? GROUND_STATE;
  }

  /**
   * Serialize with as much scrollback as fits in `maxSnapshotBytes` (and MAX_SCROLLBACK_CELLS).
   * Each try serializes every cell of the screen again (a 1000×1000 screen: ~100 ms), so a snapshot
   * over the limit is not cut by halving (up to 8 tries): the second try takes the scrollback the
   * first one's bytes per line say will fit, and a screen too large by itself is sent as it is.
   */
  private serializeBounded(): Buffer {
    const term = this.term!;
    const cap = this.options.maxSnapshotBytes;
    let lines = this.snapshotLines();
    for (let attempt = 0; ; attempt++) {
      const data = Buffer.from(this.serializer!.serialize({ scrollback: lines }), 'utf8');
      if (data.length <= cap || lines === 0) return data;
      const perLine = data.length / (lines + term.rows);
      const fitting = Math.max(0, Math.floor(cap / perLine) - term.rows);
      // A third try only when the estimate (lines differ in length) still missed.
      lines = attempt === 0 ? Math.min(fitting, lines - 1) : 0;
    }
  }

  /** (Re)arm the idle timer: the emulator goes `idleMs` after its last use. */
  private scheduleIdle(): void {
    this.cancelIdle();
    if (this.options.idleMs <= 0 || this.term === null) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      this.dispose();
    }, this.options.idleMs);
  }

  private cancelIdle(): void {
    this.idleTimer?.dispose();
    this.idleTimer = null;
  }
}

/** Rows of `cols` columns that make GROW_CELLS (at least 8). */
function growRows(cols: number): number {
  return Math.max(8, Math.floor(GROW_CELLS / cols));
}
