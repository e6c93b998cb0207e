import { Backoff } from '@tunnelforge/client';
import type { ApiClient } from './api-client';
import { SseParser } from './sse-parser';

/** An agent event as `/api/events` sends it. */
export interface AgentEvent {
  id: string;
  type: string;
  time: string;
  source: string;
  data: unknown;
}

/**
 * `GET /api/events` read with fetch streaming, because EventSource cannot send the Bearer header.
 * Reconnects with back-off; `onLive(false)` tells the caller to rely on its polling meanwhile.
 */
export class EventFeed {
  private readonly backoff = new Backoff(500, 15_000);
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(private readonly api: ApiClient, private readonly onEvent: (event: AgentEvent) => void, private readonly onLive: (live: boolean) => void = () => undefined) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.abort = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    try {
      const response = await this.api.fetch('/api/events', { method: 'GET', headers: { accept: 'text/event-stream' } }, { signal: abort.signal });
      if (!response.body) throw new Error('streaming fetch is not supported');
      this.onLive(true);
      this.backoff.reset();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) {
          try {
            this.onEvent(JSON.parse(event.data) as AgentEvent);
          } catch {
            // not JSON: not one of ours
          }
        }
      }
    } catch {
      // network error, 401 (the api client handled it) or abort
    }
    this.onLive(false);
    if (this.stopped || abort.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.run();
    }, this.backoff.next());
  }
}
