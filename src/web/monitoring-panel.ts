import { h } from './dom';
import { errorText } from './error-text';
import type { AgentEvent } from './event-feed';
import { formatBytes } from './format-bytes';
import { findHostSample, type HostSample } from './host-sample';
import type { Panel, PanelContext } from './panel';
import { Sparkline } from './sparkline';

interface Chart {
  line: Sparkline;
  value: HTMLElement;
}

type ChartKey = 'cpu' | 'memory' | 'disk' | 'network';
const percent = (value: number) => `${value.toFixed(0)} %`;

/**
 * Monitoring: host CPU, memory, disk and network as small live charts (one point per
 * `monitor.sample` round), each session's CPU and memory, and the Prometheus text of `/metrics`
 * (which needs the page's credential, so it is fetched here rather than linked).
 */
export class MonitoringPanel implements Panel {
  readonly title = 'Monitoring';
  readonly element: HTMLElement;
  private readonly charts: Record<ChartKey, Chart>;
  private readonly sessions = h('tbody');
  private readonly note = h('p', { class: 'hint', role: 'status' });
  private readonly metrics = h('pre', { class: 'metrics-text', hidden: true, tabindex: 0 });
  private lastTime = '';

  constructor(private readonly ctx: PanelContext) {
    const chart = (key: string, label: string, max?: number): Chart => ({ line: new Sparkline(label, max), value: h('span', { class: 'chart-value', 'data-chart-value': key }, '–') });
    this.charts = { cpu: chart('cpu', 'CPU load', 100), memory: chart('memory', 'Memory in use', 100), disk: chart('disk', 'Fullest disk', 100), network: chart('network', 'Network traffic') };
    const tile = (key: ChartKey, label: string) =>
      h('figure', { class: 'chart', 'data-chart': key }, h('figcaption', null, label, ' ', this.charts[key].value), this.charts[key].line.element);
    const metricsButton = h('button', { type: 'button', 'aria-controls': 'metrics-text' }, 'Show /metrics');
    metricsButton.addEventListener('click', () => void this.toggleMetrics(metricsButton));
    this.metrics.id = 'metrics-text';
    this.element = h('div', null,
      this.note,
      h('div', { class: 'charts' }, tile('cpu', 'CPU'), tile('memory', 'Memory'), tile('disk', 'Disk'), tile('network', 'Network')),
      h('h3', null, 'Sessions'),
      h('div', { class: 'table-wrap' }, h('table', { class: 'session-usage-table' }, h('thead', null, h('tr', null, h('th', null, 'Session'), h('th', null, 'Processes'), h('th', null, 'CPU'), h('th', null, 'Memory'))), this.sessions)),
      h('h3', null, 'Prometheus'),
      h('p', { class: 'hint' }, 'Scrape ', h('code', null, '/metrics'), ' with a viewer token (Authorization: Bearer …). ', metricsButton),
      this.metrics,
    );
  }

  async refresh(): Promise<void> {
    try {
      const { samples, intervalMs } = await this.ctx.api.json<{ intervalMs: number; samples: Array<{ monitor: string; time: string; data: Record<string, unknown> }> }>('GET', '/api/monitor');
      const host = findHostSample(samples);
      this.note.textContent = host === null ? 'No host monitor is active (the monitor-system plugin).' : `A new point every ${Math.round(intervalMs / 1000)} s.`;
      if (host !== null) this.add(host);
    } catch (error) {
      this.note.textContent = `Cannot read the monitors: ${errorText(error)}`;
    }
  }

  onEvent(event: AgentEvent): void {
    if (event.type !== 'monitor.sample') return;
    const host = findHostSample((event.data as { samples?: [] }).samples ?? []);
    if (host !== null) this.add(host);
  }

  /** How many points the CPU chart has (the browser tests watch it grow). */
  get points(): number {
    return this.charts.cpu.line.length;
  }

  private add(sample: HostSample): void {
    if (sample.time === this.lastTime) return; // the same round from the refresh and the stream
    this.lastTime = sample.time;
    const host = sample.host;
    if (host?.cpu) this.set('cpu', host.cpu.loadPercent, percent(host.cpu.loadPercent));
    if (host?.memory && host.memory.totalBytes > 0) {
      this.set('memory', (100 * host.memory.usedBytes) / host.memory.totalBytes, `${formatBytes(host.memory.usedBytes)} of ${formatBytes(host.memory.totalBytes)}`);
    }
    const fullest = (host?.filesystems ?? []).filter((f) => f.sizeBytes > 0).sort((a, b) => b.usedBytes / b.sizeBytes - a.usedBytes / a.sizeBytes)[0];
    if (fullest) this.set('disk', (100 * fullest.usedBytes) / fullest.sizeBytes, `${percent((100 * fullest.usedBytes) / fullest.sizeBytes)} of ${fullest.mount}`);
    if (host?.network) {
      const perSecond = host.network.filter((n) => n.iface !== 'lo').reduce((sum, n) => sum + (n.rxBytesPerSecond ?? 0) + (n.txBytesPerSecond ?? 0), 0);
      this.set('network', perSecond, `${formatBytes(Math.round(perSecond))}/s`);
    }
    this.sessions.replaceChildren(...(sample.sessions ?? []).map((s) =>
      h('tr', { 'data-session-id': s.id }, h('td', null, s.name), h('td', null, String(s.processes)), h('td', null, s.cpuPercent === null ? '–' : percent(s.cpuPercent)), h('td', null, formatBytes(s.rssBytes)))));
    if ((sample.sessions ?? []).length === 0) this.sessions.append(h('tr', null, h('td', { colspan: 4, class: 'hint' }, 'No running sessions.')));
  }

  private set(key: ChartKey, value: number, text: string): void {
    this.charts[key].line.push(value);
    this.charts[key].value.textContent = text;
  }

  private async toggleMetrics(button: HTMLButtonElement): Promise<void> {
    if (!this.metrics.hidden) {
      this.metrics.hidden = true;
      button.textContent = 'Show /metrics';
      return;
    }
    button.disabled = true;
    try {
      this.metrics.textContent = await this.ctx.api.text('/metrics');
    } catch (error) {
      this.metrics.textContent = `Cannot read /metrics: ${errorText(error)}`;
    }
    button.disabled = false;
    this.metrics.hidden = false;
    button.textContent = 'Hide /metrics';
  }
}
