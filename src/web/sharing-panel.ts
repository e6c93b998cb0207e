import { h } from './dom';
import { errorText } from './error-text';
import type { Panel, PanelContext } from './panel';
import type { SessionInfo } from './session-info';
import type { ShareInfo } from '@tunnelforge/client';
import { SharesApi } from './shares-api';

/**
 * Sharing (writers): the active read-only links, which session each watches, who made it and
 * until when, with Revoke (the link's viewers are disconnected at once). Links are made from the
 * terminal view's Share button.
 */
export class SharingPanel implements Panel {
  readonly title = 'Sharing';
  readonly element: HTMLElement;
  private readonly shares: SharesApi;
  private readonly list = h('ul', { class: 'card-list share-list', 'aria-label': 'Active share links' });
  private readonly note = h('p', { class: 'hint', role: 'status' });

  constructor(private readonly ctx: PanelContext) {
    this.shares = new SharesApi(ctx.api);
    this.element = h('div', null,
      h('p', { class: 'hint' }, 'Make a link with Share in a session\'s terminal. A link lets anyone who has it watch that one session, read-only, until it expires or you revoke it.'),
      this.note,
      this.list,
    );
  }

  async refresh(): Promise<void> {
    let shares: ShareInfo[];
    let sessions: SessionInfo[] = [];
    try {
      [shares, sessions] = await Promise.all([this.shares.list(), this.ctx.api.json<{ sessions: SessionInfo[] }>('GET', '/api/sessions').then((r) => r.sessions).catch(() => [])]);
    } catch (error) {
      this.note.textContent = `Cannot read the share links: ${errorText(error)}`;
      return;
    }
    const names = new Map(sessions.map((s) => [s.id, s.name]));
    this.note.textContent = shares.length === 0 ? 'No active share links.' : '';
    this.list.replaceChildren(...shares.map((share) => this.row(share, names.get(share.sessionId))));
  }

  private row(share: ShareInfo, name: string | undefined): HTMLElement {
    const revoke = h('button', { type: 'button', class: 'danger' }, 'Revoke');
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const element = h('li', { class: 'card', 'data-share-id': share.id },
      h('div', { class: 'card-head' },
        h('strong', null, name ?? `session ${share.sessionId.slice(0, 8)} (ended)`),
        h('span', { class: 'spacer' }),
        revoke,
      ),
      h('span', { class: 'session-meta' }, `by ${share.createdBy} · until ${new Date(share.expiresAt).toLocaleString()}`),
      error,
    );
    revoke.addEventListener('click', () => {
      revoke.disabled = true;
      this.shares.revoke(share.id).then(() => {
        element.remove();
        if (this.list.children.length === 0) this.note.textContent = 'No active share links.';
      }, (problem: unknown) => {
        revoke.disabled = false;
        error.textContent = `Revoke failed: ${errorText(problem)}`;
        error.hidden = false;
      });
    });
    return element;
  }
}
