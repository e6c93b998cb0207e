import { SessionWatcher, type PreviewFrame } from '@tunnelforge/client';
import { openNotificationsPanel } from './notifications-panel';
import { openPairingDialog } from './pairing-dialog';
import type { ApiClient } from './api-client';
import { createSessionForm } from './create-session-form';
import { debounce } from './debounce';
import { describeCommand } from './describe-command';
import { describeExit } from './describe-exit';
import { h } from './dom';
import { FilesApi } from './files-api';
import { formatAge } from './format-age';
import type { Principal } from './principal';
import { QuickStartBar } from './quick-start-bar';
import { SettingsApi } from './settings-api';
import type { SessionInfo } from './session-info';
import type { SessionsApi } from './sessions-api';
import { ticketAuth } from './ticket-auth';

/** Lines of the screen shown in a preview. */
const PREVIEW_LINES = 8;
/** The ages in the cards move on this often (no request: a re-render of what is known). */
const AGE_TICK_MS = 15_000;

interface Card {
  element: HTMLElement;
  name: HTMLElement;
  meta: HTMLElement;
  state: HTMLElement;
  /** Title (OSC 0/2), activity, foreground process, bell and last command. */
  status: HTMLElement;
  bell: HTMLElement;
  preview: HTMLElement;
  kill: HTMLButtonElement;
  rename: HTMLButtonElement;
}

export interface SessionListViewOptions {
  api: ApiClient;
  sessions: SessionsApi;
  principal: Principal;
  onOpen(id: string): void;
  onLogout(): void;
  /** `ws(s)://host/ws`: the list watches every session over one WebSocket (WATCH). */
  webSocketUrl: string;
}

/**
 * The session list: name, command, state, size, age, clients, title, activity, bell, last command
 * and a live text preview of each screen; create, rename, kill/remove. Everything live comes over one
 * WebSocket (`SessionWatcher`: WATCH all sessions, docs/protocol.md §12): the list and its state
 * changes as events, the previews pushed by the agent a few times a second at most, only for sessions
 * with new output. No polling.
 */
export class SessionListView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly status: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private readonly watcher: SessionWatcher;
  private readonly canWrite: boolean;
  private ageTimer: ReturnType<typeof setInterval> | null = null;
  private disposed = false;
  private readonly renderSoon = debounce(() => this.render([...this.watcher.sessions.values()]), 50);
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
        options.principal.sessionId === undefined
          ? h('button', { type: 'button', class: 'notifications', onclick: () => void openNotificationsPanel(options.api).catch((error: unknown) => window.alert(`Notifications: ${(error as Error).message}`)) }, 'Notifications')
          : null,
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
    this.watcher = new SessionWatcher({ url: options.webSocketUrl, authenticate: () => ticketAuth(options.api) });
    this.watcher.on('sessions', () => this.renderSoon());
    this.watcher.on('preview', (preview) => this.showPreview(preview));
    this.watcher.on('event', (event) => {
      if (event.type !== 'session.bell') return;
      const card = this.cards.get(event.data.id);
      if (card) this.ringBell(card, Number(event.data.count) || 1);
    });
    this.watcher.on('connected', (live) => {
      this.status.dataset.state = live ? 'attached' : 'reconnecting';
      this.status.textContent = live ? 'live' : 'reconnecting';
    });
  }

  mount(parent: HTMLElement): void {
    parent.append(this.element);
    document.title = 'Sessions · TunnelForge';
    // The list at once over HTTP; the watcher's WATCHING answer and events keep it current from then on.
    void this.refresh();
    void this.quickStart?.refresh();
    this.watcher.start();
    this.ageTimer = setInterval(() => this.renderSoon(), AGE_TICK_MS);
  }

  dispose(): void {
    this.disposed = true;
    this.watcher.close();
    this.renderSoon.cancel();
    if (this.ageTimer !== null) clearInterval(this.ageTimer);
    this.element.remove();
  }

  async refresh(): Promise<void> {
    let sessions: SessionInfo[];
    try {
      sessions = await this.options.sessions.list();
    } catch {
      return; // a 401 already sent the app to the login form; anything else: the watcher brings it
    }
    if (this.disposed || this.watcher.sessions.size > 0) return;
    this.render(sessions);
  }

  private render(sessions: SessionInfo[]): void {
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
    const bell = h('span', { class: 'badge bell', hidden: true, title: 'The session rang the bell' }, 'bell');
    const meta = h('span', { class: 'session-meta' });
    const status = h('span', { class: 'session-status' });
    const preview = h('pre', { class: 'preview', 'aria-label': 'Screen preview' });
    const rename = h('button', { type: 'button', title: 'Rename' }, 'Rename');
    const kill = h('button', { type: 'button', class: 'danger' }, 'Kill');
    const open = h('button', { type: 'button', class: 'primary' }, 'Open');
    const element = h('li', { class: 'session-card', 'data-session-id': session.id },
      h('div', { class: 'card-head' }, name, state, bell, h('span', { class: 'spacer' }), this.canWrite ? rename : null, this.canWrite ? kill : null, open),
      meta,
      status,
      preview,
    );
    const card: Card = { element, name, meta, state, status, bell, preview, kill, rename };
    const openIt = () => {
      bell.hidden = true;
      this.options.onOpen(session.id);
    };
    name.addEventListener('click', openIt);
    open.addEventListener('click', openIt);
    preview.addEventListener('click', openIt);
    const known = this.watcher.previews.get(session.id);
    if (known) this.showPreview(known, card);
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
    card.element.classList.toggle('active', running && session.active);
    const parts = [
      running ? (session.active ? '● active' : '○ idle') : null,
      session.title ? `“${session.title}”` : null,
      running && session.foreground ? `in front: ${session.foreground}` : null,
      session.lastCommand ? describeCommand(session.lastCommand) : null,
    ].filter((part): part is string => part !== null);
    card.status.textContent = parts.join(' · ');
    card.status.title = session.lastOutputAt ? `last output ${formatAge(session.lastOutputAt)} ago` : 'no output yet';
  }

  /** A preview pushed by the agent (only when that session had output): its last lines. */
  private showPreview(preview: PreviewFrame, card = this.cards.get(preview.sessionId)): void {
    if (card === undefined) return;
    const lines = preview.text.replace(/\s+$/, '').split('\n');
    card.preview.textContent = lines.slice(-PREVIEW_LINES).join('\n');
  }

  private ringBell(card: Card, count: number): void {
    card.bell.hidden = false;
    card.bell.textContent = count > 1 ? `bell ×${count}` : 'bell';
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
