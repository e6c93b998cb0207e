import type * as uWS from 'uWebSockets.js';
import type { Principal } from '../plugin-api/authenticator';
import type { WsConnection } from '../plugin-api/http-routes';

/** uWS `send` results: 1 written, 0 queued under backpressure, 2 dropped (over `maxBackpressure`). */
const SEND_RESULT = ['buffered', 'sent', 'dropped'] as const;

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
    return SEND_RESULT[this.ws.send(data, binary)] ?? 'dropped';
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
