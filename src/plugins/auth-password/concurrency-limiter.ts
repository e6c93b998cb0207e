/**
 * Runs at most `maxRunning` tasks at once and queues up to `maxQueued` more; beyond that it refuses
 * (`tryRun` returns null). Password hashing goes through one of these so that many addresses
 * guessing at once cannot fill libuv's thread pool, which file I/O and DNS share.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxQueued: number,
  ) {}

  /** Run `task` when a slot is free; `null` (nothing started) when the queue is full too. */
  tryRun<T>(task: () => Promise<T>): Promise<T> | null {
    if (this.running >= this.maxRunning && this.queue.length >= this.maxQueued) return null;
    return new Promise<void>((resolve) => {
      if (this.running < this.maxRunning) {
        this.running++;
        resolve();
      } else {
        this.queue.push(() => {
          this.running++;
          resolve();
        });
      }
    }).then(() => task().finally(() => this.release()));
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }
}
