import { defineCapability } from './capability';
import type { Disposable } from './disposable';

/** State of one tunnel. */
export interface TunnelStatus {
  /** Provider id, e.g. `"cloudflare"`, `"ngrok"`. */
  id: string;
  state: 'starting' | 'up' | 'down' | 'error';
  /** Public URL once `up`. */
  publicUrl: string | null;
  /** Human-readable reason when `error` (or why it went `down`). */
  error: string | null;
  /** ISO time the current run started, or null when down. */
  startedAt: string | null;
}

/**
 * Exposes the agent's local URL on a public address. **Multiple** capability: several providers
 * may be active, each picked by its {@link TunnelProvider.id}.
 *
 * Lifecycle rules:
 * - `start` resolves once the public URL is known (state `up`) or rejects with a clear error
 *   (state `error`); calling it while starting or up returns the current run.
 * - `stop` is idempotent and also cancels a start in progress.
 * - The provider stops its tunnel in its plugin's `deactivate` and never leaves an orphan process.
 * - A tunnel never changes the agent's own bind address.
 */
export interface TunnelProvider {
  readonly id: string;
  start(localUrl: string): Promise<TunnelStatus>;
  stop(): Promise<void>;
  status(): TunnelStatus;
  /** Called on every state change. */
  onStatus(listener: (status: TunnelStatus) => void): Disposable;
}
export const TunnelProvider = defineCapability<TunnelProvider>('TunnelProvider', { multiple: true });
