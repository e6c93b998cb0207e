/** The ATTACH request: resume from `offset` (omit it for a fresh attach with a SNAPSHOT); a writer's size. */
export interface AttachRequest {
  sessionId: string;
  offset?: number;
  cols?: number;
  rows?: number;
}

/**
 * The WATCH request: follow many sessions on one socket (state changes, and throttled screen previews
 * unless `previews` is false). `all: true` follows every session the credential may see, including
 * ones created later; otherwise `sessionIds` (at most 256). A new WATCH replaces the previous one.
 */
export interface WatchRequest {
  all?: boolean;
  sessionIds?: string[];
  /** Send PREVIEW frames (default true). */
  previews?: boolean;
}

/**
 * A decoded client → server frame. ATTACH's JSON is handed over as parsed, unchecked (`request`):
 * the receiver validates it (the agent does with its zod schema). A frame that cannot be decoded
 * at all is `{ type: 'error' }` with the `TF_ERR_*` code to answer.
 */
export type ClientFrame<B extends Uint8Array = Uint8Array> =
  | { type: 'attach'; request: unknown }
  | { type: 'input'; data: B }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'ping'; payload: B }
  | { type: 'detach' }
  | { type: 'watch'; request: unknown }
  | { type: 'unwatch' }
  | { type: 'error'; code: 'TF_ERR_BAD_FRAME' | 'TF_ERR_UNKNOWN_OPCODE'; message: string };
