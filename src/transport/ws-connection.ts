import type * as uWS from 'uWebSockets.js';
import type { Principal } from '../plugin-api/authenticator';
import type { WsConnection } from '../plugin-api/http-routes';

/** uWS `send` results: 1 written, 0 queued under backpressure, 2 dropped (over `maxBackpressure`). */
const SEND_RESULT = ['buffered', 'sent', 'dropped'] as const;
/**
 * Largest WebSocket frame handed to uWS in one call. uWS.js ~v20.30 writes a message of 16 KiB or
 * more straight to the socket (its "long send" path) and, under load, sometimes loses part of such
 * a message's payload (bench/experiments/uws-frame-loss.ts: 12 of 300 clients with 64 KiB
 * messages); messages under 16 KiB go through its cork buffer and never did. Bigger messages are
 * therefore sent as WebSocket fragments (RFC 6455 §5.4) of this size: the client still receives
 * one message, and 0 of 900 clients lost a byte that way.
 */
export const MAX_WIRE_FRAME_BYTES = 15 * 1024;

/**
 * A plugin's handle on one uWS WebSocket. uWS aborts the process on any use of a socket after its
 * close event, and plugins keep references around (timers, session fan-out), so after close every
 * method here is a harmless no-op: `send` reports `dropped`, `bufferedAmount` is 0.
 */
export class UwsWsConnection implements WsConnection {
  private isClosed = false;
  /** `open` reached the handler (so `close` must too). */
  opened = false;

  constructor(
    private readonly ws: uWS.WebSocket<unknown>,
    readonly id: number,
    readonly principal: Principal,
    readonly remoteAddress: string,
    /** uWS `maxBackpressure`: a fragmented message is started only if all of it fits. */
    private readonly maxBackpressure = Infinity,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Called from the uWS close event: the socket is invalid from here on. */
  markClosed(): void {
    this.isClosed = true;
  }

  send(data: Uint8Array, binary = true): 'sent' | 'buffered' | 'dropped' {
    if (this.isClosed) return 'dropped';
    if (data.length <= MAX_WIRE_FRAME_BYTES) return SEND_RESULT[this.ws.send(data, binary)] ?? 'dropped';
    return this.sendFragmented(data, binary);
  }

  /**
   * One message as fragments of MAX_WIRE_FRAME_BYTES. uWS drops each frame on its own once over
   * `maxBackpressure`, which would cut a message in half: the whole message must fit, or none of it
   * is sent. Fragments are never interleaved with other messages (the event loop runs one send at a
   * time, and uWS's own control frames may legally sit between fragments).
   */
  private sendFragmented(data: Uint8Array, binary: boolean): 'sent' | 'buffered' | 'dropped' {
    if (this.ws.getBufferedAmount() + data.length > this.maxBackpressure) return 'dropped';
    const end = data.length;
    let at = MAX_WIRE_FRAME_BYTES;
    this.ws.cork(() => {
      this.ws.sendFirstFragment(data.subarray(0, at), binary);
      for (; end - at > MAX_WIRE_FRAME_BYTES; at += MAX_WIRE_FRAME_BYTES) this.ws.sendFragment(data.subarray(at, at + MAX_WIRE_FRAME_BYTES));
      this.ws.sendLastFragment(data.subarray(at));
    });
    return this.ws.getBufferedAmount() > 0 ? 'buffered' : 'sent';
  }

  get bufferedAmount(): number {
    return this.isClosed ? 0 : this.ws.getBufferedAmount();
  }

  cork(fn: () => void): void {
    if (this.isClosed) fn();
    else this.ws.cork(fn);
  }

  close(code = 1000, reason = ''): void {
    if (this.isClosed) return;
    // A close reason may hold at most 123 bytes; uWS calls our close handler synchronously.
    this.ws.end(code, Buffer.from(reason).subarray(0, 123));
    this.isClosed = true;
  }
}
