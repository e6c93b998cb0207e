/** Timestamps (performance.now(), ms) of one keystroke's round trip through the shell. */
export interface LatencySample {
  keydown: number;
  /** INPUT frame handed to the WebSocket. */
  sent: number;
  /** First OUTPUT frame after it (the echo) arrived. */
  received: number;
  /** xterm.js parsed the echo into its buffer. */
  parsed: number;
  /** xterm.js rendered the rows (the next animation frame). */
  rendered: number;
}
