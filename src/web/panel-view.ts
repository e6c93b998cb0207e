import { appNav } from './app-nav';
import { h } from './dom';
import { EventFeed } from './event-feed';
import type { Panel, PanelContext } from './panel';
import type { PanelName } from './route';

export interface PanelViewOptions extends PanelContext {
  name: PanelName;
  panel: Panel;
  onLogout(): void;
}

/**
 * The frame around one agent panel: the top bar (live badge, who, log out), the navigation and the
 * panel. It owns the page's `/api/events` stream while the panel shows: every event goes to the
 * panel, and each (re)connect refreshes it, so a dropped stream never leaves it stale.
 */
export class PanelView {
  readonly element: HTMLElement;
  private readonly feed: EventFeed;
  private readonly status: HTMLElement;

  constructor(private readonly options: PanelViewOptions) {
    const { principal, panel } = options;
    this.status = h('span', { class: 'badge state', 'data-state': 'connecting', title: 'Live updates' }, 'connecting');
    this.element = h('section', { class: 'panel-view', 'data-panel': options.name },
      h('header', { class: 'top-bar' },
        h('h1', null, 'TunnelForge'),
        this.status,
        h('span', { class: 'spacer' }),
        h('span', { class: 'who', title: `signed in via ${principal.via}` }, `${principal.id} · ${principal.role}`),
        h('button', { type: 'button', onclick: () => options.onLogout() }, 'Log out'),
      ),
      appNav(principal, options.name),
      h('main', { class: 'panel' }, h('h2', null, panel.title), panel.element),
    );
    this.feed = new EventFeed(options.api, (event) => panel.onEvent?.(event), (live) => {
      this.status.dataset.state = live ? 'attached' : 'reconnecting';
      this.status.textContent = live ? 'live' : 'reconnecting';
      if (live) void panel.refresh().catch(() => undefined);
    });
  }

  mount(parent: HTMLElement): void {
    parent.append(this.element);
    document.title = `${this.options.panel.title} · TunnelForge`;
    void this.options.panel.refresh().catch(() => undefined);
    this.feed.start();
  }

  dispose(): void {
    this.feed.stop();
    this.options.panel.dispose?.();
    this.element.remove();
  }
}
