import { Opcode } from '../sessions/opcode';
import { Backoff } from './backoff';
import { chunkUtf8 } from './chunk-utf8';
import type { ConnectionState } from './connection-state';
import { FrameCodec } from './frame-codec';
import type { ServerFrame } from './server-frame';

/** Largest INPUT payload the page sends in one frame (the server accepts up to 1 MiB). */
export const MAX_INPUT_FRAME_BYTES = 64 * 1024;
/** Close codes after which reconnecting is pointless (docs/protocol.md §8). */
const FINAL_CLOSE_CODES = new Set([4400, 4404]);

export interface TerminalConnectionOptions {
  url: string;
  sessionId: string;
  /** Subprotocols for the next connect (a fresh ws-ticket each time). */
  protocols(): Promise<string[]>;
  /** The size to bring on ATTACH (writers), or null. */
  size(): { cols: number; rows: number } | null;
  /** Every frame, in order (OUTPUT after the offset check). */
  onFrame(frame: ServerFrame): void;
  onState(state: ConnectionState, detail?: string): void;
}

/**
 * One terminal's WebSocket (protocol v1): ATTACH on every connect, resume from the last offset
 * after a drop (exponential back-off), a fresh attach (SNAPSHOT) when there is no offset or the
 * server no longer has it. Input goes out at once, one INPUT frame per keystroke (large pastes in
 * ≤ 64 KiB pieces); nothing is sent while detached.
 */
export class TerminalConnection {
  /** Offset of the next output byte, once attached; what a reconnect resumes from. */
  nextOffset: number | null = null;
  /** Bytes of OUTPUT payload received (a test and diagnostics counter). */
  outputBytes = 0;
  snapshots = 0;
  private socket: WebSocket | null = null;
  private attached = false;
  private ended = false;
  private readonly backoff = new Backoff(250, 8_000);
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pings = new Map<number, { sent: number; resolve(rttMs: number): void }>();
  private pingSeq = 0;

  constructor(private readonly options: TerminalConnectionOptions) {}

  get isAttached(): boolean {
    return this.attached;
  }

  connect(): void {
    if (this.ended || this.socket !== null) return;
    this.options.onState(this.backoff.attempts === 0 ? 'connecting' : 'reconnecting');
    void this.open();
  }

  /** Send typed or pasted text as INPUT frames (nothing while detached). Returns bytes sent. */
  input(text: string): number {
    if (!this.attached || this.socket === null) return 0;
    let sent = 0;
    for (const chunk of chunkUtf8(text, MAX_INPUT_FRAME_BYTES)) {
      this.socket.send(FrameCodec.input(chunk));
      sent += chunk.length;
    }
    return sent;
  }

  /** Send xterm's binary input (a string of byte values 0..255, e.g. some mouse reports). */
  inputBinary(data: string): number {
    if (!this.attached || this.socket === null || data.length === 0) return 0;
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
    for (let at = 0; at < bytes.length; at += MAX_INPUT_FRAME_BYTES) this.socket.send(FrameCodec.input(bytes.subarray(at, at + MAX_INPUT_FRAME_BYTES)));
    return bytes.length;
  }

  resize(cols: number, rows: number): void {
    if (this.attached) this.socket?.send(FrameCodec.resize(cols, rows));
  }

  pause(paused: boolean): void {
    if (this.attached) this.socket?.send(FrameCodec.control(paused ? Opcode.PAUSE : Opcode.RESUME));
  }

  /** Round trip of a PING frame through the server, in ms. */
  ping(): Promise<number> {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
    const seq = ++this.pingSeq;
    const payload = new Uint8Array(4);
    new DataView(payload.buffer).setUint32(0, seq);
    return new Promise((resolve) => {
      this.pings.set(seq, { sent: performance.now(), resolve });
      socket.send(FrameCodec.ping(payload));
    });
  }

  /** Stop for good (leaving the view, the session was removed). */
  close(): void {
    this.ended = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.attached = false;
    if (socket !== null && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed by the page');
  }

  private async open(): Promise<void> {
    let protocols: string[];
    try {
      protocols = await this.options.protocols();
    } catch (error) {
      return this.retry(`cannot get a connection ticket: ${(error as Error).message}`, (error as { status?: number }).status === 401);
    }
    if (this.ended) return;
    const socket = new WebSocket(this.options.url, protocols);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      const size = this.options.size();
      const offset = this.nextOffset;
      socket.send(FrameCodec.attach({ sessionId: this.options.sessionId, ...(offset === null ? {} : { offset }), ...(size ?? {}) }));
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
      if (this.socket !== socket) return;
      this.handle(socket, event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.attached = false;
      if (FINAL_CLOSE_CODES.has(event.code)) return this.end(event.code === 4404 ? 'the session was removed' : `closed by the server (${event.code})`);
      this.retry(`connection lost (${event.code})`);
    };
  }

  private handle(socket: WebSocket, data: ArrayBuffer): void {
    let frame: ServerFrame;
    try {
      frame = FrameCodec.decode(data);
    } catch {
      return socket.close(4000, 'bad frame from server');
    }
    switch (frame.type) {
      case 'attached':
        this.attached = true;
        this.nextOffset = frame.startOffset;
        this.backoff.reset();
        this.options.onState('attached');
        break;
      case 'snapshot':
        this.snapshots++;
        this.nextOffset = frame.offset;
        break;
      case 'output':
        if (!this.attached) return; // re-attaching after a gap: the old stream's tail is moot
        if (frame.offset !== this.nextOffset) {
          // A gap or a duplicate is a bug somewhere: start over from a snapshot.
          this.attached = false;
          this.nextOffset = null;
          socket.send(FrameCodec.attach({ sessionId: this.options.sessionId, ...(this.options.size() ?? {}) }));
          return;
        }
        this.nextOffset = frame.offset + frame.data.length;
        this.outputBytes += frame.data.length;
        break;
      case 'pong': {
        if (frame.payload.length === 4) {
          const seq = new DataView(frame.payload.buffer, frame.payload.byteOffset, 4).getUint32(0);
          const pending = this.pings.get(seq);
          this.pings.delete(seq);
          pending?.resolve(performance.now() - pending.sent);
        }
        return;
      }
      case 'error':
        if (frame.code === 'TF_ERR_BAD_OFFSET') {
          // Not an offset of this session (the agent restarted): take the current screen instead.
          this.nextOffset = null;
          socket.send(FrameCodec.attach({ sessionId: this.options.sessionId, ...(this.options.size() ?? {}) }));
          return;
        }
        if (frame.code === 'TF_ERR_SESSION_NOT_FOUND' && !this.attached) {
          this.options.onFrame(frame);
          return this.end('no such session (it may have been removed)');
        }
        break;
    }
    this.options.onFrame(frame);
  }

  private retry(reason: string, unauthorized = false): void {
    if (this.ended) return;
    if (unauthorized) return this.end('not authorized');
    const delay = this.backoff.next();
    this.options.onState('reconnecting', `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private end(reason: string): void {
    this.close();
    this.options.onState('ended', reason);
  }
}
