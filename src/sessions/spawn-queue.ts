import { performance } from 'node:perf_hooks';

/**
 * How much of the event loop's time spawns may take during a burst: after a spawn that blocked for
 * d ms, the next waits (1 / SPAWN_SHARE - 1) × d ms.
 */
const SPAWN_SHARE = 1 / 3;

/**
 * Runs synchronous spawns one per event-loop turn, and at most a third of the time. node-pty's spawn
 * is a fork(2) of the whole agent, which blocks the event loop for as long as copying its page
 * tables takes: ~2 ms at 40 MiB RSS, ~15 ms at 350 MiB, ~40 ms at 1 GiB (forkpty; nothing in
 * node-pty avoids it). One spawn cannot be split; what a burst (100 creates at once) must not do
 * is put those blocks back to back: between two spawns every other session's output and keystrokes
 * get twice the spawn's time.
 */
export class SpawnQueue {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;
  /** When the next task may start (monotonic ms). */
  private notBefore = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Run `task` on a later turn, after the tasks queued before it. */
  run<T>(task: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(task());
        } catch (error) {
          reject(error);
        }
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = this.notBefore - this.now();
    // One task per turn at least (setImmediate: the next is scheduled from inside, so it lands on
    // the next turn); longer when the last one was long.
    if (wait >= 1) setTimeout(this.next, wait);
    else setImmediate(this.next);
  }

  private readonly next = (): void => {
    this.scheduled = false;
    const task = this.queue.shift();
    if (task !== undefined) {
      const started = this.now();
      task();
      const took = this.now() - started;
      this.notBefore = this.now() + took * (1 / SPAWN_SHARE - 1);
    }
    this.schedule();
  };
}
