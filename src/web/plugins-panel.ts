import type { PluginInfo } from '@tunnelforge/client';
import { h } from './dom';
import { errorText } from './error-text';
import type { Panel, PanelContext } from './panel';

const BADGE: Record<string, string> = { active: 'attached', failed: 'ended', skipped: 'idle', disabled: 'idle' };

/** Plugins (admins): every plugin with its state and why, the columns of `tunnelforge plugins ls`. */
export class PluginsPanel implements Panel {
  readonly title = 'Plugins';
  readonly element: HTMLElement;
  private readonly rows = h('tbody');
  private readonly note = h('p', { class: 'hint', role: 'status' });

  constructor(private readonly ctx: PanelContext) {
    this.element = h('div', null,
      this.note,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'plugin-table' },
          h('thead', null, h('tr', null, ...['ID', 'State', 'Source', 'Version', 'Provides', 'Reason'].map((label) => h('th', null, label)))),
          this.rows,
        ),
      ),
      h('p', { class: 'hint' }, '* required: the agent does not start without it. Change plugins in the config file and restart.'),
    );
  }

  async refresh(): Promise<void> {
    try {
      const plugins = await this.ctx.api.json<PluginInfo[]>('GET', '/api/plugins');
      const failed = plugins.filter((p) => p.state === 'failed').length;
      this.note.textContent = `${plugins.filter((p) => p.state === 'active').length} of ${plugins.length} active${failed > 0 ? `, ${failed} failed` : ''}.`;
      this.rows.replaceChildren(...plugins.map((p) =>
        h('tr', { 'data-plugin': p.id, 'data-state': p.state },
          h('td', null, h('code', null, p.id + (p.required ? '*' : ''))),
          h('td', null, h('span', { class: 'badge', 'data-state': BADGE[p.state] ?? 'idle' }, p.state)),
          h('td', null, p.source === 'builtin' ? 'builtin' : (p.package ?? p.source)),
          h('td', null, p.version ?? '-'),
          h('td', null, p.provides.join(', ') || '-'),
          h('td', { class: 'reason' }, p.reason ?? ''),
        )));
    } catch (error) {
      this.note.textContent = `Cannot read the plugins: ${errorText(error)}`;
    }
  }
}
