import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../plugin-api';

/**
 * Session creates per principal (a user, an API token) over a fixed window. A create forks a process (and, in-process,
 * the whole agent: milliseconds of a blocked event loop each), so one user or token looping on
 * `POST /api/sessions` (create, delete, create) must not be able to spend the machine's CPU on
 * start-ups while everyone else's keystrokes wait; `maxSessions` bounds how many live at once,
 * this bounds how fast they come. Refused creates cost a map lookup and spawn nothing.
 */
export class CreateRateLimit {
  private readonly limiter: RateLimiterMemory | null;

  /** `creates` per `windowMs` per principal; 0 turns the limit off. */
  constructor(creates: number, windowMs: number) {
    this.limiter = creates === 0 ? null : new RateLimiterMemory({ points: creates, duration: windowMs / 1000 });
  }

  /** Count one create by `key` (a principal's id), or throw 429 `TF_ERR_RATE_LIMITED` with `Retry-After`. */
  async take(key: string): Promise<void> {
    if (this.limiter === null) return;
    try {
      await this.limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new HttpError(429, 'TF_ERR_RATE_LIMITED', `too many sessions created by this user or token; try again in ${seconds} s`, undefined, { 'retry-after': String(seconds) });
    }
  }
}
