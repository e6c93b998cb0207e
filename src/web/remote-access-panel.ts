import type { TunnelStatus } from '@tunnelforge/client';
import { h } from './dom';
import { errorText } from './error-text';
import type { AgentEvent } from './event-feed';
import type { Panel, PanelContext } from './panel';
import { qrCode } from './qr-code';

const STATE_WORDS: Record<TunnelStatus['state'], string> = { starting: 'starting…', up: 'up', down: 'stopped', error: 'failed' };
const BADGE: Record<TunnelStatus['state'], string> = { starting: 'connecting', up: 'attached', down: 'idle', error: 'ended' };

interface Card {
  element: HTMLElement;
  state: HTMLElement;
  body: HTMLElement;
  start: HTMLButtonElement;
  stop: HTMLButtonElement;
  error: HTMLElement;
  shown: string;
}

/**
 * Remote access: each tunnel provider with its state, start/stop (admins), the public URL with a QR
 * code to open it on a phone, and why it failed in the provider's words. Live on `tunnel.status`.
 */
export class RemoteAccessPanel implements Panel {
  readonly title = 'Remote access';
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly note: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private readonly canControl: boolean;

  constructor(private readonly ctx: PanelContext) {
    this.canControl = ctx.principal.role === 'admin';
    this.list = h('ul', { class: 'card-list tunnel-list', 'aria-label': 'Tunnel providers' });
    this.note = h('p', { class: 'hint', role: 'status' });
    this.element = h('div', null,
      h('p', { class: 'hint' }, 'A tunnel gives the agent a public address: open it on a phone by scanning the code. Anyone with the address still has to log in.'),
      this.note,
      this.list,
    );
  }

  async refresh(): Promise<void> {
    try {
      const { tunnels } = await this.ctx.api.json<{ tunnels: TunnelStatus[] }>('GET', '/api/tunnels');
      this.note.textContent = tunnels.length === 0 ? 'No tunnel provider is active: install cloudflared, ngrok or tailscale, then restart the agent (see `tunnelforge plugins ls`).' : '';
      for (const tunnel of tunnels) this.render(tunnel);
    } catch (error) {
      this.note.textContent = `Cannot read the tunnels: ${errorText(error)}`;
    }
  }

  onEvent(event: AgentEvent): void {
    if (event.type === 'tunnel.status') this.render(event.data as TunnelStatus);
  }

  private render(tunnel: TunnelStatus): void {
    const card = this.cards.get(tunnel.id) ?? this.createCard(tunnel.id);
    card.state.textContent = STATE_WORDS[tunnel.state] ?? tunnel.state;
    card.state.dataset.state = BADGE[tunnel.state] ?? 'idle';
    card.element.dataset.state = tunnel.state;
    const busy = tunnel.state === 'starting';
    card.start.hidden = tunnel.state === 'up' || busy;
    card.stop.hidden = tunnel.state === 'down' || tunnel.state === 'error';
    card.start.disabled = false;
    card.stop.disabled = false;
    card.error.hidden = tunnel.error === null;
    card.error.textContent = tunnel.error ?? '';
    // Rebuild the URL and QR only when the URL changes: focus and selection stay put otherwise.
    const shown = tunnel.state === 'up' && tunnel.publicUrl !== null ? tunnel.publicUrl : '';
    if (shown === card.shown) return;
    card.shown = shown;
    card.body.replaceChildren();
    if (shown === '') return;
    card.body.append(
      h('p', null, h('a', { class: 'public-url', href: shown, target: '_blank', rel: 'noopener noreferrer' }, shown)),
      h('div', { class: 'qr-box' }, qrCode(shown)),
      h('p', { class: 'hint' }, tunnel.startedAt ? `Scan to open on a phone · up since ${new Date(tunnel.startedAt).toLocaleTimeString()}` : 'Scan to open on a phone'),
    );
  }

  private createCard(id: string): Card {
    const state = h('span', { class: 'badge' });
    const start = h('button', { type: 'button', class: 'primary' }, 'Start');
    const stop = h('button', { type: 'button', class: 'danger' }, 'Stop');
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const body = h('div', { class: 'tunnel-body' });
    const element = h('li', { class: 'card', 'data-tunnel': id },
      h('div', { class: 'card-head' }, h('strong', null, id), state, h('span', { class: 'spacer' }), this.canControl ? start : null, this.canControl ? stop : null),
      error,
      body,
    );
    const card: Card = { element, state, body, start, stop, error, shown: '' };
    start.addEventListener('click', () => void this.act(card, id, 'start'));
    stop.addEventListener('click', () => void this.act(card, id, 'stop'));
    this.cards.set(id, card);
    this.list.append(element);
    return card;
  }

  private async act(card: Card, id: string, action: 'start' | 'stop'): Promise<void> {
    card.start.disabled = true;
    card.stop.disabled = true;
    if (action === 'start') {
      card.state.textContent = STATE_WORDS.starting;
      card.state.dataset.state = BADGE.starting;
    }
    try {
      const { tunnel } = await this.ctx.api.json<{ tunnel: TunnelStatus }>('POST', `/api/tunnels/${encodeURIComponent(id)}/${action}`);
      this.render(tunnel);
    } catch (error) {
      card.start.disabled = false;
      card.stop.disabled = false;
      card.error.textContent = `Could not ${action} ${id}: ${errorText(error)}`;
      card.error.hidden = false;
    }
  }
}
