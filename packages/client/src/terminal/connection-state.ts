/**
 * Where a terminal connection is: `idle` before `connect()`, `connecting` (first time),
 * `attached` (live), `reconnecting` (after a drop, with back-off), `ended` (for good: see the
 * `ended` event's reason).
 */
export type ConnectionState = 'idle' | 'connecting' | 'attached' | 'reconnecting' | 'ended';

/** Why a connection ended for good. */
export type EndReason =
  /** `close()` was called. */
  | 'closed'
  /** The session was removed (close code 4404), or it does not exist (or this credential may not see it). */
  | 'session-gone'
  /** The credential was refused (no token, a login that logged out, 401 for a ticket). */
  | 'unauthorized'
  /** The agent speaks another protocol version. */
  | 'protocol-mismatch'
  /** The agent closed the connection for too many protocol errors (4400). */
  | 'protocol-errors'
  /** Reconnecting failed for longer than `giveUpAfterMs`. */
  | 'gave-up';
