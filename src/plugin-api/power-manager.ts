import { defineCapability } from './capability';

/** What a {@link PowerManager} reports about itself. */
export interface PowerStatus {
  /** True while at least one assertion is held and the backend confirmed it. */
  held: boolean;
  /** Mechanism name, e.g. `"caffeinate"`, `"systemd-inhibit"`, `"SetThreadExecutionState"`, `"noop"`. */
  backend: string;
  /** Reasons of the assertions currently held (one entry per holder). */
  reasons: string[];
  /** ISO time since which the current state holds. */
  since: string;
  /** Last backend error, if the backend could not hold the machine awake. */
  error: string | null;
}

/** A held "keep awake" request. */
export interface PowerAssertion {
  readonly reason: string;
  /** Release this assertion; idempotent. The machine may sleep once no assertion is left. */
  release(): Promise<void>;
}

/**
 * Keeps the machine awake. **Single** capability: exactly one provider is active
 * (`power-noop` where nothing else applies).
 *
 * Lifecycle rules:
 * - `preventSleep` is reference-counted: the backend is engaged with the first assertion and
 *   released with the last one.
 * - The provider releases everything in its plugin's `deactivate`, and never leaves a child
 *   process behind (use {@link ProcessRunner.spawn}).
 */
export interface PowerManager {
  readonly backend: string;
  preventSleep(reason: string): Promise<PowerAssertion>;
  status(): PowerStatus;
}
export const PowerManager = defineCapability<PowerManager>('PowerManager');
