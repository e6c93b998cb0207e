import type { PowerView } from '@tunnelforge/client';
import { h } from './dom';
import { errorText } from './error-text';
import type { AgentEvent } from './event-feed';
import type { Panel, PanelContext } from './panel';

const POLICY_WORDS: Record<PowerView['policy'], string> = {
  never: 'never keep the machine awake',
  'while-sessions': 'keep it awake while sessions run',
  always: 'always keep it awake',
};
const MAX_REASON = 200;

/**
 * Power: the policy, whether the machine is held awake and why, and (admins) the manual hold with a
 * reason. Live on `power.changed`.
 */
export class PowerPanel implements Panel {
  readonly title = 'Power';
  readonly element: HTMLElement;
  private readonly state = h('span', { class: 'badge power-state' });
  private readonly facts = h('dl', { class: 'facts' });
  private readonly reasons = h('ul', { class: 'reasons', 'aria-label': 'Held because' });
  private readonly problem = h('p', { class: 'form-error', role: 'alert', hidden: true });
  private readonly reason = h('input', { name: 'reason', maxlength: MAX_REASON, placeholder: 'e.g. long build running', 'aria-label': 'Reason for the hold' });
  private readonly toggle = h('button', { type: 'submit', class: 'primary' }, 'Keep awake');
  private readonly formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  private manual = false;

  constructor(private readonly ctx: PanelContext) {
    const form = ctx.principal.role === 'admin'
      ? h('form', { class: 'inline-form', 'aria-label': 'Manual hold' },
        h('label', null, h('span', null, 'Reason'), this.reason),
        this.toggle,
        this.formError,
      )
      : null;
    form?.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.setHold(!this.manual);
    });
    this.element = h('div', null,
      h('p', null, 'The machine is ', this.state),
      this.problem,
      this.facts,
      this.reasons,
      form,
    );
  }

  async refresh(): Promise<void> {
    try {
      this.render(await this.ctx.api.json<PowerView>('GET', '/api/power'));
    } catch (error) {
      this.problem.textContent = `Cannot read the power state: ${errorText(error)}`;
      this.problem.hidden = false;
    }
  }

  onEvent(event: AgentEvent): void {
    if (event.type === 'power.changed') this.render(event.data as PowerView);
  }

  private render(view: PowerView): void {
    this.manual = view.manual;
    this.state.textContent = view.state === 'held' ? 'held awake' : 'free to sleep';
    this.state.dataset.state = view.state === 'held' ? 'attached' : 'idle';
    this.problem.hidden = view.error === null;
    this.problem.textContent = view.error === null ? '' : `The backend cannot hold the machine awake: ${view.error}`;
    this.facts.replaceChildren(
      ...fact('Policy', `${view.policy} (${POLICY_WORDS[view.policy] ?? view.policy})`),
      ...fact('Manual hold', view.manual ? 'on' : 'off'),
      ...fact('Sessions that count', String(view.activeSessions)),
      ...fact('Backend', view.backend),
      ...fact('Since', new Date(view.since).toLocaleString()),
    );
    this.reasons.replaceChildren(...view.reasons.map((reason) => h('li', null, reason)));
    this.toggle.textContent = view.manual ? 'Release manual hold' : 'Keep awake';
    this.toggle.setAttribute('aria-pressed', String(view.manual));
    this.reason.disabled = view.manual;
  }

  private async setHold(hold: boolean): Promise<void> {
    const reason = this.reason.value.trim();
    this.formError.hidden = true;
    if (reason.length > MAX_REASON) return this.fail(`The reason is too long (${reason.length} of at most ${MAX_REASON} characters).`);
    this.toggle.disabled = true;
    try {
      this.render(await this.ctx.api.json<PowerView>('POST', '/api/power', hold && reason !== '' ? { hold, reason } : { hold }));
      if (!hold) this.reason.value = '';
    } catch (error) {
      this.fail(errorText(error));
    } finally {
      this.toggle.disabled = false;
    }
  }

  private fail(message: string): void {
    this.formError.textContent = message;
    this.formError.hidden = false;
  }
}

function fact(name: string, value: string): HTMLElement[] {
  return [h('dt', null, name), h('dd', null, value)];
}
