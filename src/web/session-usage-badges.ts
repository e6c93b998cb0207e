import { TunnelForgeError } from '@tunnelforge/client';
import type { ApiClient } from './api-client';
import { h } from './dom';
import { formatBytes } from './format-bytes';
import { findHostSample } from './host-sample';

/** The monitor samples every 5 s by default: polling faster shows nothing new. */
const POLL_MS = 5_000;

/**
 * Per-session CPU and memory on the session list's cards: reads `GET /api/monitor` every few
 * seconds and writes a small badge into each `[data-session-id]` card under `root`. It owns only
 * its badges, so the list view needs no change; without a monitor (404) or the right (403) it stops quietly.
 */
export class SessionUsageBadges {
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(private readonly api: ApiClient, private readonly root: HTMLElement) {}

  start(): void {
    void this.update();
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.update();
    }, POLL_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private async update(): Promise<void> {
    let samples;
    try {
      ({ samples } = await this.api.json<{ samples: Array<{ monitor: string; time: string; data: Record<string, unknown> }> }>('GET', '/api/monitor'));
    } catch (error) {
      // No monitor on this agent (404) or not for this credential (403): no badges. Anything else: the next poll.
      if (error instanceof TunnelForgeError && (error.status === 404 || error.status === 403)) this.stop();
      return;
    }
    if (this.stopped) return;
    const usage = new Map((findHostSample(samples)?.sessions ?? []).map((s) => [s.id, s]));
    for (const card of this.root.querySelectorAll<HTMLElement>('[data-session-id]')) {
      const session = usage.get(card.dataset.sessionId ?? '');
      let badge = card.querySelector<HTMLElement>(':scope > .session-usage');
      if (session === undefined) {
        badge?.remove();
        continue;
      }
      if (badge === null) {
        badge = h('span', { class: 'session-usage', title: 'CPU and memory of the session\'s processes' });
        card.append(badge);
      }
      badge.textContent = `CPU ${session.cpuPercent === null ? '–' : `${session.cpuPercent.toFixed(0)} %`} · ${formatBytes(session.rssBytes)} · ${session.processes} ${session.processes === 1 ? 'process' : 'processes'}`;
    }
  }
}
