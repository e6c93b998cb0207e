import { openPairingDialog } from './pairing-dialog';
import type { ApiClient } from './api-client';
import { createSessionForm } from './create-session-form';
import { debounce } from './debounce';
import { describeExit } from './describe-exit';
import { h } from './dom';
import { EventFeed } from './event-feed';
import { FilesApi } from './files-api';
import { formatAge } from './format-age';
import type { Principal } from './principal';
import { QuickStartBar } from './quick-start-bar';
import { SettingsApi } from './settings-api';
import type { SessionInfo } from './session-info';
import type { SessionsApi } from './sessions-api';

/** Poll the list (and changed previews) this often even without events: output makes no event. */
const POLL_MS = 3_000;
/** Lines of the screen shown in a preview. */
const PREVIEW_LINES = 8;

interface Card {
  element: HTMLElement;
  name: HTMLElement;
  meta: HTMLElement;
  state: HTMLElement;
  preview: HTMLElement;
  kill: HTMLButtonElement;
  rename: HTMLButtonElement;
  /** `outputBytes`/state of the session when its preview was last fetched. */
  previewOf: string;
}

export interface SessionListViewOptions {
  api: ApiClient;
  sessions: SessionsApi;
  principal: Principal;
  onOpen(id: string): void;
  onLogout(): void;
}

/**
 * The session list: name, command, state, size, age, clients and a live text preview of each
 * screen; create, rename, kill/remove. Updated on `/api/events` session events (debounced) and by
 * a poll every few seconds; a preview is fetched again only when that session's output or state
 * changed.
 */
export class SessionListView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly status: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private readonly feed: EventFeed;
  private readonly canWrite: boolean;
  private poll: ReturnType<typeof setInterval> | null = null;
  private disposed = false;
  private readonly refreshSoon = debounce(() => void this.refresh(), 100);
  private readonly quickStart: QuickStartBar | null;

  constructor(private readonly options: SessionListViewOptions) {
    this.canWrite = options.principal.role !== 'viewer';
    const files = new FilesApi(options.api);
    this.quickStart = this.canWrite ? new QuickStartBar({ settings: new SettingsApi(options.api), sessions: options.sessions, onOpen: options.onOpen }) : null;
    this.list = h('ul', { class: 'session-list', 'aria-label': 'Sessions' });
    this.empty = h('p', { class: 'empty', hidden: true }, this.canWrite ? 'No sessions yet. Create one above.' : 'No sessions.');
    this.status = h('span', { class: 'badge state', 'data-state': 'connecting', title: 'Live updates' }, 'connecting');
    this.element = h('section', { class: 'list-view' },
      h('header', { class: 'top-bar' },
        h('h1', null, 'TunnelForge'),
        this.status,
        h('span', { class: 'spacer' }),
        h('span', { class: 'who', title: `signed in via ${options.principal.via}` }, `${options.principal.id} · ${options.principal.role}`),
        options.principal.role === 'admin'
          ? h('button', { type: 'button', class: 'pair-device', onclick: () => void openPairingDialog(options.api).catch((error: unknown) => window.alert(`Pairing failed: ${(error as Error).message}`)) }, 'Pair a device')
          : null,
        options.principal.role === 'admin' ? h('a', { class: 'button settings-link', href: '#/settings' }, 'Settings') : null,
        h('button', { type: 'button', onclick: () => options.onLogout() }, 'Log out'),
      ),
      this.canWrite ? createSessionForm(async (request) => {
        const session = await options.sessions.create(request);
        await this.refresh();
        options.onOpen(session.id);
      }, (prefix) => files.complete(prefix)) : null,
      this.quickStart?.element,
      this.list,
      this.empty,
    );
    this.feed = new EventFeed(options.api, (event) => {
      if (event.type.startsWith('session.')) this.refreshSoon();
      if (event.type === 'settings.changed') void this.quickStart?.refresh();
    }, (live) => {
      this.status.dataset.state = live ? 'attached' : 'reconnecting';
      this.status.textContent = live ? 'live' : 'polling';
      if (live) this.refreshSoon();
    });
  }

  mount(parent: HTMLElement): void {
    parent.append(this.element);
    document.title = 'Sessions · TunnelForge';
    void this.refresh();
    void this.quickStart?.refresh();
    this.feed.start();
    this.poll = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, POLL_MS);
  }

  dispose(): void {
    this.disposed = true;
    this.feed.stop();
    this.refreshSoon.cancel();
    if (this.poll !== null) clearInterval(this.poll);
    this.element.remove();
  }

  async refresh(): Promise<void> {
    let sessions: SessionInfo[];
    try {
      sessions = await this.options.sessions.list();
    } catch {
      return; // a 401 already sent the app to the login form; anything else: the next poll
    }
    if (this.disposed) return;
    sessions.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const seen = new Set<string>();
    sessions.forEach((session, index) => {
      seen.add(session.id);
      const card = this.cards.get(session.id) ?? this.createCard(session);
      this.update(card, session);
      if (this.list.children[index] !== card.element) this.list.insertBefore(card.element, this.list.children[index] ?? null);
    });
    for (const [id, card] of this.cards) {
      if (seen.has(id)) continue;
      card.element.remove();
      this.cards.delete(id);
    }
    this.empty.hidden = sessions.length > 0;
  }

  private createCard(session: SessionInfo): Card {
    const name = h('button', { type: 'button', class: 'session-name link', title: 'Open' }, session.name);
    const state = h('span', { class: 'badge' });
    const meta = h('span', { class: 'session-meta' });
    const preview = h('pre', { class: 'preview', 'aria-label': 'Screen preview' });
    const rename = h('button', { type: 'button', title: 'Rename' }, 'Rename');
    const kill = h('button', { type: 'button', class: 'danger' }, 'Kill');
    const open = h('button', { type: 'button', class: 'primary' }, 'Open');
    const element = h('li', { class: 'session-card', 'data-session-id': session.id },
      h('div', { class: 'card-head' }, name, state, h('span', { class: 'spacer' }), this.canWrite ? rename : null, this.canWrite ? kill : null, open),
      meta,
      preview,
    );
    const card: Card = { element, name, meta, state, preview, kill, rename, previewOf: '' };
    name.addEventListener('click', () => this.options.onOpen(session.id));
    open.addEventListener('click', () => this.options.onOpen(session.id));
    preview.addEventListener('click', () => this.options.onOpen(session.id));
    rename.addEventListener('click', () => void this.rename(session.id, card));
    kill.addEventListener('click', () => void this.kill(session.id, card));
    this.cards.set(session.id, card);
    return card;
  }

  private update(card: Card, session: SessionInfo): void {
    const running = session.state === 'running';
    card.name.textContent = session.name;
    card.state.textContent = running ? 'running' : describeExit(session.exitCode, session.signal);
    card.state.dataset.state = running ? 'attached' : 'ended';
    card.meta.textContent = `${session.command.join(' ')} · ${session.cols}×${session.rows} · ${formatAge(session.createdAt)} old · ${session.clients} ${session.clients === 1 ? 'client' : 'clients'}`;
    card.meta.title = `in ${session.cwd}`;
    card.kill.textContent = running ? 'Kill' : 'Remove';
    card.element.classList.toggle('exited', !running);
    const version = `${session.outputBytes}:${session.state}:${session.cols}x${session.rows}`;
    if (version !== card.previewOf) {
      card.previewOf = version;
      this.options.sessions.text(session.id).then((text) => {
        const lines = text.replace(/\s+$/, '').split('\n');
        card.preview.textContent = lines.slice(-PREVIEW_LINES).join('\n');
      }).catch(() => {
        card.previewOf = ''; // try again on the next refresh
      });
    }
  }

  private async rename(id: string, card: Card): Promise<void> {
    const name = window.prompt('New name for the session', card.name.textContent ?? '');
    if (name === null || name.trim() === '') return;
    try {
      await this.options.sessions.rename(id, name.trim());
      await this.refresh();
    } catch (error) {
      window.alert(`Rename failed: ${(error as Error).message}`);
    }
  }

  private async kill(id: string, card: Card): Promise<void> {
    const removing = card.kill.textContent === 'Remove';
    if (!window.confirm(removing ? `Remove "${card.name.textContent}"?` : `End the process of "${card.name.textContent}"?`)) return;
    try {
      await this.options.sessions.kill(id);
      await this.refresh();
    } catch (error) {
      window.alert(`${removing ? 'Remove' : 'Kill'} failed: ${(error as Error).message}`);
    }
  }
}
