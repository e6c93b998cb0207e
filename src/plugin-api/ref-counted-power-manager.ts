import type { Clock } from './core-services';
import type { Token } from './capability';
import { PowerManager, type PowerAssertion, type PowerStatus } from './power-manager';

/** The backend half of a power manager: engage and release one OS-level "stay awake" hold. */
export interface PowerBackend {
  /** Mechanism name shown in status, e.g. `"caffeinate"`. */
  readonly name: string;
  /** Start holding the machine awake. Throw with a clear message when it cannot. */
  engage(reason: string): Promise<void>;
  /** Stop holding. Must be idempotent. */
  release(): Promise<void>;
  /** Optional: report that the hold ended by itself (the manager then re-engages or reports the error). */
  onLost?(listener: (reason: string) => void): void;
}

/** A lost hold is taken again automatically only if it had lasted this long. */
const RETAKE_AFTER_MS = 10_000;

/**
 * A {@link PowerManager} that reference-counts assertions over a {@link PowerBackend}: the backend is
 * engaged with the first assertion and released with the last. Engage/release calls are serialised,
 * so a release racing an engage never leaves the backend on. Plugin authors can reuse it.
 */
export class RefCountedPowerManager implements PowerManager {
  private readonly held = new Map<number, string>();
  private nextId = 1;
  private engaged = false;
  private since: number;
  private lastError: string | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly impl: PowerBackend, private readonly clock: Pick<Clock, 'now'> = { now: Date.now }) {
    this.since = clock.now();
    impl.onLost?.((reason) => {
      // The OS-level hold is gone: say so, and take it again if someone still wants it — unless it
      // died quickly, which would only loop (then the next assertion change tries again).
      const lasted = this.clock.now() - this.since;
      this.engaged = false;
      this.lastError = reason;
      this.since = this.clock.now();
      if (lasted >= RETAKE_AFTER_MS) void this.sync();
    });
  }

  /** Mechanism name (the backend's). */
  get backend(): string {
    return this.impl.name;
  }

  async preventSleep(reason: string): Promise<PowerAssertion> {
    const id = this.nextId++;
    this.held.set(id, reason);
    await this.sync();
    let released = false;
    return {
      reason,
      release: async () => {
        if (released) return;
        released = true;
        this.held.delete(id);
        await this.sync();
      },
    };
  }

  /**
   * For a power plugin's `deactivate`: release the active `PowerManager` if it is one of these.
   * While a plugin deactivates it is the one active provider of that single capability, so the
   * manager found is its own.
   */
  static async releaseActive(ctx: { tryGet<T>(token: Token<T>): T | undefined }): Promise<void> {
    const power = ctx.tryGet(PowerManager);
    if (power instanceof RefCountedPowerManager) await power.releaseAll();
  }

  /** Drop every assertion and release the backend (for `deactivate`). */
  async releaseAll(): Promise<void> {
    this.held.clear();
    await this.sync();
  }

  status(): PowerStatus {
    return {
      held: this.engaged,
      backend: this.impl.name,
      reasons: [...this.held.values()],
      since: new Date(this.since).toISOString(),
      error: this.lastError,
    };
  }

  /** Bring the backend in line with the number of assertions, one transition at a time. */
  private sync(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const want = this.held.size > 0;
      if (want === this.engaged) return;
      try {
        if (want) await this.impl.engage([...this.held.values()].join('; '));
        else await this.impl.release();
        this.engaged = want;
        this.lastError = null;
        this.since = this.clock.now();
      } catch (error) {
        this.lastError = (error as Error)?.message ?? String(error);
      }
    });
    return this.queue;
  }
}
