import type { ApiTokenInfo } from '@tunnelforge/client';
import { copyText } from './copy-text';
import { h } from './dom';
import { errorText } from './error-text';
import { onceAtATime } from './once-at-a-time';
import type { Panel, PanelContext } from './panel';
import { newRequestId } from './request-id';

/** What `POST /api/tokens` accepts as `expiresIn`: a number and m, h, d or w. */
const DURATION = /^\d{1,6}[mhdw]$/;

/**
 * API tokens (admins): create one (its secret is shown once, with a copy button), list and revoke
 * them; the same store as `tunnelforge token`. A request id per filled-in form: a double click or
 * a retry after a lost answer makes one token.
 */
export class TokensPanel implements Panel {
  readonly title = 'API tokens';
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'card-list token-list', 'aria-label': 'API tokens' });
  private readonly note = h('p', { class: 'hint', role: 'status' });
  private readonly created = h('div', { class: 'created-token', hidden: true, role: 'status' });
  private requestId = newRequestId();

  constructor(private readonly ctx: PanelContext) {
    const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'e.g. CI on build-box', autocomplete: 'off', 'aria-label': 'Token name' });
    const role = h('select', { name: 'role', 'aria-label': 'Role' }, h('option', { value: 'viewer' }, 'viewer'), h('option', { value: 'writer', selected: true }, 'writer'), h('option', { value: 'admin' }, 'admin'));
    const expires = h('input', { name: 'expiresIn', placeholder: 'never (or 12h, 30d, 2w)', autocomplete: 'off', 'aria-label': 'Expires in' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Create token');
    const form = h('form', { class: 'inline-form', 'aria-label': 'New API token' },
      h('label', null, h('span', null, 'Name'), name),
      h('label', null, h('span', null, 'Role'), role),
      h('label', null, h('span', null, 'Expires in'), expires),
      submit,
      error,
    );
    // A changed form is a new request; the same form sent again (retry) is the same one.
    form.addEventListener('input', () => {
      this.requestId = newRequestId();
    });
    const create = onceAtATime(submit, async () => {
      error.hidden = true;
      const fail = (message: string) => {
        error.textContent = message;
        error.hidden = false;
      };
      const body: Record<string, string> = { name: name.value.trim(), role: role.value, requestId: this.requestId };
      if (body.name === '' || body.name.length > 100) return fail('Give the token a name (at most 100 characters).');
      const expiry = expires.value.trim();
      if (expiry !== '') {
        if (!DURATION.test(expiry)) return fail('Expires in: a number and m, h, d or w, e.g. 90m, 12h, 30d or 2w; empty for never.');
        body.expiresIn = expiry;
      }
      try {
        const token = await ctx.api.json<ApiTokenInfo & { token: string }>('POST', '/api/tokens', body);
        this.showCreated(token);
        form.reset();
        this.requestId = newRequestId();
        await this.refresh();
      } catch (problem) {
        fail(errorText(problem));
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void create();
    });
    this.element = h('div', null, form, this.created, this.note, this.list);
  }

  async refresh(): Promise<void> {
    try {
      const { tokens } = await this.ctx.api.json<{ tokens: ApiTokenInfo[] }>('GET', '/api/tokens');
      this.note.textContent = tokens.length === 0 ? 'No API tokens.' : '';
      this.list.replaceChildren(...tokens.map((token) => this.row(token)));
    } catch (error) {
      this.note.textContent = `Cannot read the tokens: ${errorText(error)}`;
    }
  }

  private showCreated(token: ApiTokenInfo & { token: string }): void {
    const copied = h('span', { class: 'hint' });
    const copy = h('button', { type: 'button', class: 'copy-token' }, 'Copy');
    copy.addEventListener('click', () => void copyText(token.token).then((ok) => { copied.textContent = ok ? 'Copied.' : 'Copy failed: select the token and copy it.'; }));
    const dismiss = h('button', { type: 'button' }, 'Done');
    dismiss.addEventListener('click', () => {
      this.created.hidden = true;
      this.created.replaceChildren();
    });
    this.created.replaceChildren(
      h('p', null, h('strong', null, `Token "${token.name}" (${token.role})`), ' — copy it now: it is not shown again.'),
      h('div', { class: 'copy-row' }, h('input', { class: 'token-secret', readonly: true, value: token.token, 'aria-label': 'New token', spellcheck: 'false' }), copy, dismiss),
      copied,
    );
    this.created.hidden = false;
    copy.focus();
  }

  private row(token: ApiTokenInfo): HTMLElement {
    const revoke = h('button', { type: 'button', class: 'danger' }, 'Revoke');
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const element = h('li', { class: 'card', 'data-token-id': token.id },
      h('div', { class: 'card-head' }, h('strong', null, token.name), h('span', { class: 'badge' }, token.role), h('span', { class: 'spacer' }), revoke),
      h('span', { class: 'session-meta' }, `${token.id} · made ${new Date(token.createdAt).toLocaleDateString()} · ${token.expiresAt === null ? 'never expires' : `expires ${new Date(token.expiresAt).toLocaleString()}`}`),
      error,
    );
    revoke.addEventListener('click', () => {
      if (!window.confirm(`Revoke "${token.name}"? Whatever uses it loses access at once.`)) return;
      revoke.disabled = true;
      this.ctx.api.json('DELETE', `/api/tokens/${encodeURIComponent(token.id)}`).then(() => this.refresh(), (problem: unknown) => {
        revoke.disabled = false;
        error.textContent = `Revoke failed: ${errorText(problem)}`;
        error.hidden = false;
      });
    });
    return element;
  }
}
