import type { Clock, Disposable } from '../../plugin-api';

/** Real time. Timers are unref'd so a forgotten one never keeps the process alive. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { dispose: () => clearTimeout(handle) };
  }

  setInterval(fn: () => void, ms: number): Disposable {
    const handle = setInterval(fn, ms);
    handle.unref();
    return { dispose: () => clearInterval(handle) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const handle = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(handle);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
