import type { SessionInfo } from './session-info';

/** A decoded server → client frame of protocol v1. */
export type ServerFrame =
  | { type: 'attached'; protocol: number; session: SessionInfo; role: 'viewer' | 'writer' | 'admin'; startOffset: number }
  | { type: 'output'; offset: number; data: Uint8Array }
  | { type: 'snapshot'; offset: number; cols: number; rows: number; data: Uint8Array }
  | { type: 'exit'; exitCode: number | null; signal: string | null }
  | { type: 'resized'; cols: number; rows: number }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong'; payload: Uint8Array };
