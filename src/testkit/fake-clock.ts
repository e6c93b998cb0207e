import type { Clock, Disposable } from '../plugin-api';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  every: number | null;
}

/**
 * A clock that only moves when told to. `advance(ms)` runs due timers in time order, so code that
 * waits 30 s for a back-off is tested in microseconds.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): Disposable {
    return this.add(fn, ms, Math.max(1, ms));
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = this.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        timer.dispose();
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.length;
  }

  /** Move time forward, firing every timer that falls due, and let promise callbacks run between them. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.current = due.at;
      if (due.every !== null) due.at += due.every;
      else this.timers = this.timers.filter((t) => t !== due);
      due.fn();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  private add(fn: () => void, ms: number, every: number | null): Disposable {
    const timer: Timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn, every };
    this.timers.push(timer);
    return { dispose: () => void (this.timers = this.timers.filter((t) => t !== timer)) };
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
