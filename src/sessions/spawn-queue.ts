/**
 * Runs synchronous spawns one per event-loop turn: node-pty's spawn blocks ~4 ms, so ten sessions
 * created at once must not freeze every other session's output for 40 ms in one go.
 */
export class SpawnQueue {
  private readonly queue: Array<() => void> = [];
  private scheduled = false;

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
    // One task per setImmediate; the next is scheduled from inside, so it lands on the next turn.
    setImmediate(() => {
      this.scheduled = false;
      this.queue.shift()?.();
      this.schedule();
    });
  }
}
