import type { LatencySample } from './latency-sample';

/**
 * Measures keystroke → echo → screen in the page (used by the latency benchmark through
 * `window.__tf`; idle unless `enabled`). One keystroke is followed at a time: keydown, INPUT sent,
 * echo received, parsed, rendered.
 */
export class LatencyProbe {
  enabled = false;
  readonly samples: LatencySample[] = [];
  private current: Partial<LatencySample> | null = null;

  keydown(at: number): void {
    if (this.enabled) this.current = { keydown: at };
  }

  sent(at: number): void {
    if (this.current && this.current.sent === undefined) this.current.sent = at;
  }

  received(at: number): void {
    if (this.current?.sent !== undefined && this.current.received === undefined) this.current.received = at;
  }

  parsed(at: number): void {
    if (this.current?.received !== undefined && this.current.parsed === undefined) this.current.parsed = at;
  }

  rendered(at: number): void {
    if (this.current?.parsed === undefined) return;
    this.current.rendered = at;
    this.samples.push(this.current as LatencySample);
    this.current = null;
  }
}
