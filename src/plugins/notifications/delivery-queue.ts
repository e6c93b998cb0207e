import type { Clock, Disposable } from '../../plugin-api';
import type { PushOutcome } from './send-push';

/** One push waiting to go to one subscription. */
export interface DeliveryJob {
  subscriptionId: string;
  payload: string;
  /** Tries made so far. */
  attempts: number;
}

/** Counters of the queue since the agent started. */
export interface DeliveryStats {
  /** Waiting (including those waiting out a backoff). */
  queued: number;
  inFlight: number;
  delivered: number;
  /** Gave up: refused by the push service, or still failing after every retry. */
  failed: number;
  /** Dropped unsent because the queue was full (the oldest goes first). */
  dropped: number;
  /** Subscriptions removed because the push service said they are gone (404/410). */
  pruned: number;
}

export interface DeliveryQueueOptions {
  maxQueue: number;
  concurrency: number;
  maxRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  clock: Clock;
  /** Sends one job; never throws (see sendPush). `null`: nothing to send (the subscription was deleted meanwhile). */
  send(job: DeliveryJob): Promise<PushOutcome | null>;
  /** Told about every final outcome (and about each retry), to note it and prune gone subscriptions. */
  settled(job: DeliveryJob, outcome: PushOutcome, final: boolean): void;
}

/**
 * Pushes leave the agent through this queue, never on a publisher's stack: `enqueue` only appends
 * (an event subscriber must not block). At most `concurrency` requests run at once; the queue holds
 * at most `maxQueue` jobs, counting those waiting out a backoff, and drops the oldest when full (a
 * push service that is down must not grow memory without bound; the newest news is the most useful).
 * A 429, 5xx or network error is retried up to `maxRetries` times after `backoffMs`·2^n (or the
 * push service's `Retry-After`), capped at `maxBackoffMs`.
 */
export class DeliveryQueue implements Disposable {
  private readonly waiting: DeliveryJob[] = [];
  /** Jobs waiting out a backoff, with their timers. */
  private readonly backingOff = new Map<DeliveryJob, Disposable>();
  private running = 0;
  private disposed = false;
  private pumpScheduled = false;
  private readonly counters = { delivered: 0, failed: 0, dropped: 0, pruned: 0 };

  constructor(private readonly options: DeliveryQueueOptions) {}

  stats(): DeliveryStats {
    return { queued: this.waiting.length + this.backingOff.size, inFlight: this.running, ...this.counters };
  }

  notePruned(count: number): void {
    this.counters.pruned += count;
  }

  /**
   * Appends a job; sending starts on a later turn of the event loop (encrypting and signing cost
   * CPU that must not land on the publisher's stack, which may be a PTY's data handler).
   */
  enqueue(job: DeliveryJob): void {
    if (this.disposed) return;
    this.makeRoom();
    this.waiting.push(job);
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Forget every job of a subscription (it was deleted). */
  forget(subscriptionId: string): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i].subscriptionId === subscriptionId) this.waiting.splice(i, 1);
    for (const [job, timer] of this.backingOff) {
      if (job.subscriptionId !== subscriptionId) continue;
      timer.dispose();
      this.backingOff.delete(job);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.waiting.length = 0;
    for (const timer of this.backingOff.values()) timer.dispose();
    this.backingOff.clear();
  }

  private makeRoom(): void {
    while (this.waiting.length + this.backingOff.size >= this.options.maxQueue) {
      // The oldest job: the head of the line, else the one backing off longest (insertion order).
      if (this.waiting.length > 0) this.waiting.shift();
      else {
        const [job, timer] = this.backingOff.entries().next().value as [DeliveryJob, Disposable];
        timer.dispose();
        this.backingOff.delete(job);
      }
      this.counters.dropped++;
    }
  }

  private pump(): void {
    while (!this.disposed && this.running < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      void this.run(job);
    }
  }

  private async run(job: DeliveryJob): Promise<void> {
    let outcome: PushOutcome | null;
    try {
      outcome = await this.options.send(job);
    } catch (error) {
      outcome = { kind: 'refused', status: 0, error: (error as Error).message };
    }
    this.running--;
    job.attempts++;
    if (!this.disposed && outcome !== null) {
      const retry = outcome.kind === 'retry' && job.attempts <= this.options.maxRetries;
      if (outcome.kind === 'accepted') this.counters.delivered++;
      else if (outcome.kind !== 'gone' && !retry) this.counters.failed++;
      this.options.settled(job, outcome, !retry);
      if (retry) this.later(job, outcome.kind === 'retry' ? outcome.retryAfterMs : undefined);
    }
    this.pump();
  }

  private later(job: DeliveryJob, retryAfterMs: number | undefined): void {
    const backoff = this.options.backoffMs * 2 ** (job.attempts - 1);
    const delay = Math.min(this.options.maxBackoffMs, Math.max(backoff, retryAfterMs ?? 0));
    if (this.waiting.length + this.backingOff.size >= this.options.maxQueue) this.makeRoom();
    const timer = this.options.clock.setTimeout(() => {
      this.backingOff.delete(job);
      if (this.disposed) return;
      this.waiting.push(job);
      this.pump();
    }, delay);
    this.backingOff.set(job, timer);
  }
}
