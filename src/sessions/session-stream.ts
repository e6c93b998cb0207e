import { ProtocolCodec } from '@tunnelforge/client';
import type { Clock, Disposable, Logger, SessionInfo } from '../plugin-api';
import type { OutputRing } from './output-ring';
import type { PtyExit } from './pty-session';
import type { ResizeLog } from './resize-log';
import type { ScreenModel, ScreenSnapshot } from './screen-model';
import type { StreamClient } from './stream-client';
import { FrameArena } from './frame-arena';

export interface SessionStreamOptions {
  /** A client with this much queued in its socket receives nothing until it drains. */
  clientBufferCap: number;
  coalesceMs: number;
  maxFrameBytes: number;
  /**
   * A SNAPSHOT for a session whose whole output is in the ring, at most this long and written at
   * the current size is that output itself, not the screen model's (0: always the model). Default 0.
   */
  freshReplayBytes?: number;
}

/** How the stream holds the producer back. */
export interface StreamFlowControl {
  pause(): void;
  resume(): void;
}

/** While the PTY is paused, look for clients that drained without a `drain` callback this often. */
const STALL_POLL_MS = 50;
const HEADER = ProtocolCodec.OUTPUT_HEADER_BYTES;

/**
 * Fan-out of one session's output to its WebSocket clients (the sshx/ttyd model): the ring holds
 * the output, each client a cursor into it.
 *
 * - Latency: output is sent on the LEADING edge (an idle stream sends a keystroke echo at once),
 *   then a short timer coalesces whatever keeps arriving; a tick with nothing new goes idle.
 * - Cost: frames are at most `maxFrameBytes`; clients at the same cursor share one encoded frame.
 * - Backpressure: a client is sent frames while its socket holds less than `clientBufferCap`, then
 *   waits for `drain`. The PTY is paused only when EVERY live, unpaused client is blocked: a lone
 *   slow reader gets real backpressure, while one stalled client among others never slows the shell
 *   or them. It falls out of the ring instead and is resynced with a screen SNAPSHOT.
 * - Order: resizes are delivered (RESIZED) exactly between the bytes before and after them; EXIT
 *   follows the last byte.
 */
export class SessionStream {
  /**
   * Where OUTPUT frames come from (one block for the process; not zero-filled, since the header and
   * the ring's bytes cover every byte): 2 MiB holds a flush pass of one client up to its 1 MiB cap
   * plus frames for others; beyond that, frames are allocated.
   */
  private static readonly arena = new FrameArena(2 * 1024 * 1024);

  private readonly clients = new Set<StreamClient>();
  private readonly frames = new Map<number, Buffer>();
  private sharing = false;
  private timer: Disposable | null = null;
  private stallPoll: Disposable | null = null;
  private flushedEnd = 0;
  private ptyPaused = false;
  private exit: PtyExit | null = null;

  constructor(
    private readonly ring: OutputRing,
    private readonly resizes: ResizeLog,
    private readonly screen: ScreenModel,
    private readonly flow: StreamFlowControl,
    private readonly describe: () => SessionInfo,
    private readonly options: SessionStreamOptions,
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Whether the stream is holding the PTY back right now. */
  get holdingPty(): boolean {
    return this.ptyPaused;
  }

  /** New output is in the ring. */
  onOutput(): void {
    if (this.timer !== null) {
      // A coalescing window is open: its tick sends this. Unless the unsent output approaches the
      // ring's size: a fast producer could otherwise push clients that are not even slow out of a
      // small ring within one window (a quarter of the ring: 1 MiB by default, never reached at
      // 3 ms; 64 KiB for a 256 KiB ring).
      if (this.ring.end - this.flushedEnd >= this.ring.capacity / 4) this.flushAll();
      return;
    }
    if (this.clients.size === 0) {
      this.flushedEnd = this.ring.end;
      return;
    }
    this.flushAll();
    this.timer = this.clock.setTimeout(this.onTick, this.options.coalesceMs);
  }

  /** A resize was recorded at the ring's end. */
  onResize(): void {
    this.flushAll();
  }

  /** The PTY exited and its output is all in the ring. */
  onExit(exit: PtyExit): void {
    this.exit = exit;
    this.timer?.dispose();
    this.timer = null;
    this.flushAll();
  }

  /**
   * Attach a client. With an `offset` inside `[ring.start, ring.end]` it resumes exactly there;
   * otherwise it gets the screen as a SNAPSHOT, then output from the snapshot's offset.
   */
  attach(client: StreamClient, offset?: number): void {
    this.clients.add(client);
    if (offset !== undefined && offset >= this.ring.start && offset <= this.ring.end) {
      const size = this.resizes.at(offset);
      client.cursor = offset;
      client.resizeSeq = size.seq;
      client.connection.cork(() => {
        client.connection.send(ProtocolCodec.attached(this.describe(), client.connection.principal.role, offset), true);
        // The size in effect at the resume point; later changes follow in order.
        client.connection.send(ProtocolCodec.resized(size.cols, size.rows), true);
      });
      client.live = true;
      this.flushClient(client);
      this.updateFlow();
    } else {
      this.resync(client, true);
    }
  }

  detach(client: StreamClient): void {
    if (!this.clients.delete(client)) return;
    client.live = false;
    this.updateFlow();
  }

  /** The client's socket drained. */
  drain(client: StreamClient): void {
    if (!this.clients.has(client)) return;
    this.flushClient(client);
    this.updateFlow();
  }

  /** The client sent PAUSE or RESUME. */
  setPaused(client: StreamClient, paused: boolean): void {
    if (!this.clients.has(client)) return;
    client.paused = paused;
    if (!paused) this.flushClient(client);
    this.updateFlow();
  }

  /** Close every client's socket (session removed). */
  closeAll(code: number, reason: string): void {
    for (const client of [...this.clients]) {
      this.detach(client);
      if (!client.connection.closed) client.connection.close(code, reason);
    }
    this.timer?.dispose();
    this.timer = null;
    this.setPtyPaused(false);
  }

  private readonly onTick = (): void => {
    this.timer = null;
    if (this.ring.end === this.flushedEnd) return; // nothing new: idle until the next leading edge
    this.flushAll();
    this.timer = this.clock.setTimeout(this.onTick, this.options.coalesceMs);
  };

  private flushAll(): void {
    this.flushedEnd = this.ring.end;
    if (this.clients.size === 0) return;
    this.sharing = this.clients.size > 1;
    SessionStream.arena.begin();
    try {
      for (const client of this.clients) this.flushClient(client);
    } finally {
      SessionStream.arena.end();
      this.sharing = false;
      this.frames.clear();
    }
    this.updateFlow();
  }

  private flushClient(client: StreamClient): void {
    const connection = client.connection;
    if (!client.live || client.paused || connection.closed) return;
    if (connection.bufferedAmount >= this.options.clientBufferCap) {
      client.blocked = true;
      return;
    }
    client.blocked = false;
    if (client.cursor < this.ring.start) {
      // It fell out of the ring while blocked or paused: the screen replaces the lost bytes.
      this.resync(client, false);
      return;
    }
    SessionStream.arena.begin();
    try {
      connection.cork(() => this.pump(client));
    } finally {
      SessionStream.arena.end();
    }
  }

  /** Send frames from the client's cursor until it is caught up or its socket is full. */
  private pump(client: StreamClient): void {
    const connection = client.connection;
    const end = this.ring.end;
    for (;;) {
      let resize = this.resizes.after(client.resizeSeq);
      while (resize !== undefined && resize.offset <= client.cursor) {
        connection.send(ProtocolCodec.resized(resize.cols, resize.rows), true);
        client.resizeSeq = resize.seq;
        resize = this.resizes.after(resize.seq);
      }
      if (client.cursor >= end) break;
      if (connection.bufferedAmount >= this.options.clientBufferCap) {
        client.blocked = true;
        break;
      }
      const frame = this.frameAt(client.cursor, resize ? Math.min(end, resize.offset) : end);
      if (connection.send(frame, true) === 'dropped') {
        client.blocked = true;
        break;
      }
      client.cursor += frame.length - HEADER;
    }
    if (this.exit !== null && !client.exitSent && client.cursor >= this.ring.end) {
      client.exitSent = true;
      connection.send(ProtocolCodec.exit(this.exit.exitCode, this.exit.signal), true);
    }
  }

  /** The OUTPUT frame starting at `from` (ending at most at `limit`), shared within one flush pass. */
  private frameAt(from: number, limit: number): Buffer {
    const length = Math.min(limit - from, this.options.maxFrameBytes);
    if (this.sharing) {
      const cached = this.frames.get(from);
      if (cached !== undefined && cached.length - HEADER === length) return cached;
    }
    const frame = SessionStream.arena.take(HEADER + length);
    ProtocolCodec.writeOutputHeader(frame, from);
    this.ring.copyTo(from, length, frame, HEADER);
    if (this.sharing) this.frames.set(from, frame);
    return frame;
  }

  /**
   * The whole output as a snapshot, when it is all in the ring, small, and was all written at the
   * current size: written to a reset terminal of that size it gives exactly the screen (and
   * scrollback, and modes) of a client that watched from the start, with no emulator run here.
   */
  private historySnapshot(): ScreenSnapshot | null {
    const size = this.resizes.latest;
    if (this.ring.start !== 0 || this.ring.end > (this.options.freshReplayBytes ?? 0) || size.offset !== 0) return null;
    const data = Buffer.allocUnsafe(this.ring.end);
    this.ring.copyTo(0, this.ring.end, data, 0);
    return { offset: this.ring.end, cols: size.cols, rows: size.rows, data, resizeSeq: size.seq };
  }

  /** Bring a client to the current screen with a SNAPSHOT (first attach, or after it fell behind). */
  private resync(client: StreamClient, attaching: boolean): void {
    client.live = false;
    const history = this.historySnapshot();
    (history === null ? this.screen.prepare() : Promise.resolve()).then(() => {
      if (!this.clients.has(client) || client.connection.closed) return;
      // Output that came in since follows the snapshot's offset as OUTPUT, as always.
      const snapshot = history ?? this.screen.snapshot();
      const connection = client.connection;
      connection.cork(() => {
        if (attaching) connection.send(ProtocolCodec.attached(this.describe(), connection.principal.role, snapshot.offset), true);
        connection.send(ProtocolCodec.snapshot(snapshot.offset, snapshot.cols, snapshot.rows, snapshot.data), true);
      });
      client.cursor = snapshot.offset;
      client.resizeSeq = snapshot.resizeSeq;
      client.live = true;
      this.flushClient(client);
      this.updateFlow();
    }).catch((error: unknown) => {
      this.log?.error('screen snapshot failed', { error: String(error) });
      if (!client.connection.closed) client.connection.send(ProtocolCodec.error('TF_ERR_INTERNAL', 'could not build the screen snapshot'), true);
    });
  }

  /** Pause the PTY only when every live, unpaused client is blocked; otherwise let it run. */
  private updateFlow(): void {
    if (this.exit !== null) return this.setPtyPaused(false);
    let active = 0;
    let blocked = 0;
    for (const client of this.clients) {
      if (!client.live || client.paused) continue;
      active++;
      if (client.blocked) blocked++;
    }
    this.setPtyPaused(active > 0 && blocked === active);
  }

  private setPtyPaused(paused: boolean): void {
    if (paused === this.ptyPaused) return;
    this.ptyPaused = paused;
    if (paused) {
      this.flow.pause();
      this.stallPoll = this.clock.setInterval(this.pollStalled, STALL_POLL_MS);
    } else {
      this.stallPoll?.dispose();
      this.stallPoll = null;
      this.flow.resume();
    }
  }

  /** Safety net while paused: a client may have drained without the transport saying so. */
  private readonly pollStalled = (): void => {
    for (const client of this.clients) {
      if (client.blocked && client.connection.bufferedAmount < this.options.clientBufferCap) this.flushClient(client);
    }
    this.updateFlow();
  };
}
