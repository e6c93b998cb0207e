import { h } from './dom';
import type { SettingsApi } from './settings-api';
import type { SessionsApi } from './sessions-api';

export interface QuickStartBarOptions {
  settings: SettingsApi;
  sessions: SessionsApi;
  /** Open the session a button created. */
  onOpen(id: string): void;
}

/**
 * The quick-start commands (the `sessions.quickStart` setting) as buttons over the session list:
 * one click creates a session running that command and opens it. Hidden while there are none.
 * A button is disabled while its session is being created, so a double click makes one session.
 */
export class QuickStartBar {
  readonly element: HTMLElement;
  private readonly buttons: HTMLElement;
  private readonly error: HTMLElement;

  constructor(private readonly options: QuickStartBarOptions) {
    this.buttons = h('div', { class: 'quick-start-buttons' });
    this.error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.element = h('section', { class: 'quick-start', 'aria-label': 'Quick start', hidden: true },
      h('span', { class: 'hint' }, 'Quick start'), this.buttons, this.error);
  }

  /** Read the setting again (at mount, and on `settings.changed`). */
  async refresh(): Promise<void> {
    let entries;
    try {
      entries = (await this.options.settings.get()).sessions?.quickStart ?? [];
    } catch {
      return; // an agent without the settings plugin, or a 401 the app handles: no buttons
    }
    this.buttons.replaceChildren(...entries.map((entry) => {
      const button = h('button', { type: 'button', class: 'quick-start-button', title: `${entry.command.join(' ')}${entry.cwd ? ` in ${entry.cwd}` : ''}` }, entry.name);
      button.addEventListener('click', () => {
        if (button.disabled) return;
        button.disabled = true;
        this.error.hidden = true;
        this.options.sessions.create({ command: entry.command, cwd: entry.cwd, name: entry.name })
          .then((session) => this.options.onOpen(session.id))
          .catch((problem: Error) => {
            this.error.textContent = `${entry.name}: ${problem.message}`;
            this.error.hidden = false;
          })
          .finally(() => {
            button.disabled = false;
          });
      });
      return button;
    }));
    this.element.hidden = entries.length === 0;
  }
}
