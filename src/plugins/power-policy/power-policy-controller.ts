import { PowerChanged, type Disposable, type EventBus, type Logger, type PowerAssertion, type PowerManager, type PowerView, type SessionManager } from '../../plugin-api';
import type { PowerPolicyName } from './power-policy-config';

/** What the controller works with. */
export interface PowerPolicyDeps {
  power: PowerManager;
  /** Absent when no plugin provides sessions: `while-sessions` then has nothing to hold for. */
  sessions?: SessionManager;
  events: EventBus;
  log: Logger;
  policy: PowerPolicyName;
}

/**
 * Applies the power policy: takes one assertion for the policy (while it says so) and one for a
 * manual hold, each through the PowerManager's reference counting. Every change is applied in
 * order through one queue, so a burst of session events can never acquire twice or release early,
 * and every visible change is published as `power.changed`.
 */
export class PowerPolicyController {
  private policyHold: PowerAssertion | undefined;
  private manualHold: PowerAssertion | undefined;
  private queue: Promise<void> = Promise.resolve();
  private subscription: Disposable | undefined;
  private lastPublished = '';
  private stopped = false;

  constructor(private readonly deps: PowerPolicyDeps) {}

  /** Follow session events (for `while-sessions`) and apply the policy once. */
  start(): Promise<void> {
    // Events say *that* something changed; SessionManager.list() says what is true now.
    if (this.deps.policy === 'while-sessions') this.subscription = this.deps.events.subscribe('session.*', () => void this.reconcile());
    return this.reconcile();
  }

  /** Switch to `policy` (a run-time setting changed): follow sessions or not, then take or drop the policy's hold. */
  setPolicy(policy: PowerPolicyName): Promise<void> {
    if (policy === this.deps.policy || this.stopped) return Promise.resolve();
    this.deps.policy = policy;
    this.subscription?.dispose();
    this.subscription = undefined;
    if (policy === 'while-sessions') this.subscription = this.deps.events.subscribe('session.*', () => void this.reconcile());
    // The old hold carries the old policy's name in its reason: drop it, so reconcile takes a new one if wanted.
    return this.enqueue(async () => {
      const hold = this.policyHold;
      this.policyHold = undefined;
      await hold?.release();
    }).then(() => this.reconcile());
  }

  /** Bring the policy assertion in line with the policy and the sessions. */
  reconcile(): Promise<void> {
    return this.enqueue(async () => {
      const want = !this.stopped && this.policyWantsHold();
      if (want && this.policyHold && this.backendFailed()) {
        // The backend could not hold last time (e.g. the inhibitor could not start): retry on this change.
        const failed = this.policyHold;
        this.policyHold = undefined;
        await failed.release();
      }
      if (want && !this.policyHold) this.policyHold = await this.deps.power.preventSleep(`policy ${this.deps.policy}`);
      else if (!want && this.policyHold) {
        const hold = this.policyHold;
        this.policyHold = undefined;
        await hold.release();
      }
    });
  }

  /** Take or drop the manual hold; answers the resulting view. */
  async setManual(hold: boolean, reason: string): Promise<PowerView> {
    await this.enqueue(async () => {
      if (hold && !this.manualHold && !this.stopped) this.manualHold = await this.deps.power.preventSleep(`manual: ${reason}`);
      else if (!hold && this.manualHold) {
        const held = this.manualHold;
        this.manualHold = undefined;
        await held.release();
      }
    });
    return this.view();
  }

  view(): PowerView {
    const status = this.deps.power.status();
    return {
      state: status.held ? 'held' : 'released',
      backend: status.backend,
      reasons: status.reasons,
      since: status.since,
      policy: this.deps.policy,
      manual: this.manualHold !== undefined,
      activeSessions: this.activeSessions(),
      error: status.error,
    };
  }

  /** Stop following sessions and release both assertions (plugin deactivate). Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.subscription?.dispose();
    this.subscription = undefined;
    await this.enqueue(async () => {
      const holds = [this.policyHold, this.manualHold];
      this.policyHold = undefined;
      this.manualHold = undefined;
      for (const hold of holds) await hold?.release();
    });
  }

  private backendFailed(): boolean {
    const status = this.deps.power.status();
    return !status.held && status.error !== null;
  }

  private policyWantsHold(): boolean {
    if (this.deps.policy === 'always') return true;
    if (this.deps.policy === 'never') return false;
    return this.activeSessions() > 0;
  }

  private activeSessions(): number {
    if (!this.deps.sessions) return 0;
    try {
      return this.deps.sessions.list().filter((s) => s.state === 'running' || s.clients > 0).length;
    } catch (error) {
      this.deps.log.warn('could not list sessions', { error: String(error) });
      return 0;
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step).then(
      () => this.publishIfChanged(),
      (error: unknown) => {
        this.deps.log.error('power policy step failed', { error: error instanceof Error ? error.message : String(error) });
        this.publishIfChanged();
      },
    );
    this.queue = next;
    return next;
  }

  private publishIfChanged(): void {
    const view = this.view();
    const key = JSON.stringify(view);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    this.deps.events.publish(PowerChanged, view);
  }
}
