import type { WsConnection } from '../plugin-api';

/** One WebSocket attached to one session's stream: where it is in the output and why it waits. */
export class StreamClient {
  /** Absolute offset of the next output byte to send. */
  cursor = 0;
  /** Last resize event sent (or included in its snapshot). */
  resizeSeq = -1;
  /** The client sent PAUSE: it receives nothing and does not hold the PTY back. */
  paused = false;
  /** Its socket is over the buffer cap (or refused a frame): waits for `drain`. */
  blocked = false;
  /** False until ATTACHED (and SNAPSHOT) went out, and while a resync snapshot is prepared. */
  live = false;
  exitSent = false;

  constructor(readonly connection: WsConnection) {}
}
