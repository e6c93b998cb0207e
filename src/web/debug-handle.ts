import type { Panel } from './panel';
import type { TerminalView } from './terminal-view';

/**
 * What the page exposes as `window.__tf`, for the browser tests, the latency benchmark and
 * debugging from the console: the open terminal view (xterm.js `terminal`, its `connection`
 * with offsets and counters, the latency `probe`). Nothing here is a secret the page's own scripts
 * could not reach anyway.
 */
export interface DebugHandle {
  view: string;
  terminal: TerminalView | null;
  /** The agent panel on show (`#/remote`, `#/power`, ...). */
  panel?: Panel | null;
}
