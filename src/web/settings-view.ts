import type { ApiClient } from './api-client';
import { h } from './dom';
import { formatCommand } from './format-command';
import type { Principal } from './principal';
import { SettingsApi, type QuickStart, type RuntimeSettings } from './settings-api';
import { splitCommand } from './split-command';

export interface SettingsViewOptions {
  api: ApiClient;
  principal: Principal;
  onBack(): void;
}

interface QuickStartRow {
  element: HTMLElement;
  name: HTMLInputElement;
  command: HTMLInputElement;
  cwd: HTMLInputElement;
}

/** A field's problem, said before anything is sent. */
class FormProblem extends Error {}

const POLICIES = [
  ['', 'As in the config file'],
  ['while-sessions', 'While sessions run'],
  ['always', 'Always'],
  ['never', 'Never (manual hold only)'],
] as const;

function isDirectory(text: string): boolean {
  return text.startsWith('/') || text === '~' || text.startsWith('~/');
}

/**
 * `#/settings`: the run-time settings (`GET/PATCH /api/settings`), applied at once and kept in
 * `settings.json` of the data dir: quick-start commands, what a new session starts with, the power
 * policy and tunnel autostart. It also says what stays in the config file and needs a restart.
 * Admins edit; writers see the values read-only. Every field is checked before sending, and the
 * server's refusal (TF_ERR_BAD_SETTINGS) is shown in its words.
 */
export class SettingsView {
  readonly element: HTMLElement;
  private readonly settings: SettingsApi;
  private readonly form: HTMLFormElement;
  private readonly rows: QuickStartRow[] = [];
  private readonly rowList: HTMLElement;
  private readonly command = this.input('command', 'login shell');
  private readonly cwd = this.input('cwd', 'home directory');
  private readonly cols = this.input('cols', '80', 'numeric');
  private readonly rowsField = this.input('rows', '24', 'numeric');
  private readonly policy: HTMLSelectElement;
  private readonly autostart = this.input('autostart', 'as in the config file');
  private readonly status: HTMLElement;
  private readonly save: HTMLButtonElement;
  private readonly editable: boolean;
  private disposed = false;

  constructor(private readonly options: SettingsViewOptions) {
    this.settings = new SettingsApi(options.api);
    this.editable = options.principal.role === 'admin';
    this.policy = h('select', { name: 'policy', 'aria-label': 'Keep the machine awake' }, ...POLICIES.map(([value, label]) => h('option', { value }, label)));
    this.rowList = h('div', { class: 'quick-start-rows' });
    this.status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    this.save = h('button', { type: 'submit', class: 'primary', disabled: !this.editable }, 'Save');
    const addRow = h('button', { type: 'button', class: 'add-quick-start', disabled: !this.editable, onclick: () => this.addRow({ name: '', command: [] }, true) }, 'Add command');
    this.form = h('form', { class: 'settings-form', 'aria-label': 'Run-time settings', novalidate: true },
      h('p', { class: 'hint' }, 'Applied at once, no restart; kept in settings.json in the data dir.'),
      h('fieldset', null, h('legend', null, 'Quick-start commands'),
        h('p', { class: 'hint' }, 'Buttons in the session list; each creates a session running its command.'),
        this.rowList, addRow),
      h('fieldset', null, h('legend', null, 'New sessions'),
        h('p', { class: 'hint' }, 'What a session starts with when it is created without saying. Empty: the built-in default.'),
        this.labelled('Command', this.command), this.labelled('Directory', this.cwd),
        this.labelled('Columns', this.cols), this.labelled('Rows', this.rowsField)),
      h('fieldset', null, h('legend', null, 'Power'), this.labelled('Keep the machine awake', this.policy)),
      h('fieldset', null, h('legend', null, 'Tunnels'),
        this.labelled('Start with the agent (provider ids, comma separated)', this.autostart),
        h('p', { class: 'hint' }, 'One added here starts at once; one taken off keeps running until stopped.')),
      h('div', { class: 'form-actions' }, this.save, this.status),
    );
    if (!this.editable) for (const field of this.form.querySelectorAll('input, select')) (field as HTMLInputElement).disabled = true;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.element = h('section', { class: 'settings-view' },
      h('header', { class: 'top-bar' },
        h('button', { type: 'button', onclick: () => options.onBack() }, '← Sessions'),
        h('h1', null, 'Settings'),
      ),
      h('div', { class: 'settings-body' },
        this.editable ? null : h('p', { class: 'hint' }, 'Only admins can change settings.'),
        this.form,
        h('section', { class: 'restart-note', 'aria-label': 'Needs a restart' },
          h('h2', null, 'In the config file (needs a restart)'),
          h('p', null, 'Address and port, authentication and users, which plugins run and their options (session mode, buffer sizes, file roots, monitoring), the data directory and logging are read once at start from tunnelforge.config.ts (and TUNNELFORGE_* variables). Change them there, then restart the agent (tunnelforge service restart, or stop and start it). A value set on this page wins over the same value in the config file (power policy, tunnel autostart).')),
      ),
    );
  }

  mount(parent: HTMLElement): void {
    parent.append(this.element);
    document.title = 'Settings · TunnelForge';
    void this.load();
  }

  dispose(): void {
    this.disposed = true;
    this.element.remove();
  }

  private async load(): Promise<void> {
    try {
      this.fill(await this.settings.get());
    } catch (error) {
      if (!this.disposed) this.say(`Cannot read the settings: ${(error as Error).message}`, true);
    }
  }

  private fill(settings: RuntimeSettings): void {
    const sessions = settings.sessions ?? { quickStart: [] };
    for (const row of this.rows.splice(0)) row.element.remove();
    for (const entry of sessions.quickStart) this.addRow(entry, false);
    this.command.value = sessions.command ? formatCommand(sessions.command) : '';
    this.cwd.value = sessions.cwd ?? '';
    this.cols.value = sessions.cols === undefined ? '' : String(sessions.cols);
    this.rowsField.value = sessions.rows === undefined ? '' : String(sessions.rows);
    this.policy.value = settings.power?.policy ?? '';
    this.autostart.value = settings.tunnels?.autostart?.join(', ') ?? '';
  }

  private addRow(entry: QuickStart, focus: boolean): void {
    const name = this.input('quick-name', 'name');
    const command = this.input('quick-command', 'command');
    const cwd = this.input('quick-cwd', 'home directory');
    name.value = entry.name;
    command.value = formatCommand(entry.command);
    cwd.value = entry.cwd ?? '';
    const remove = h('button', { type: 'button', class: 'danger', disabled: !this.editable }, 'Remove');
    const element = h('div', { class: 'quick-start-row' },
      this.labelled('Name', name), this.labelled('Command', command), this.labelled('Directory', cwd), remove);
    const row: QuickStartRow = { element, name, command, cwd };
    remove.addEventListener('click', () => {
      element.remove();
      this.rows.splice(this.rows.indexOf(row), 1);
    });
    if (!this.editable) for (const field of [name, command, cwd]) field.disabled = true;
    this.rows.push(row);
    this.rowList.append(element);
    if (focus) name.focus();
  }

  /** The PATCH body from the form, or a FormProblem naming the field. */
  private collect(): Record<string, Record<string, unknown>> {
    const names = new Set<string>();
    const quickStart = this.rows.map((row, index) => {
      const label = `Quick-start command ${index + 1}`;
      const name = row.name.value.trim();
      if (name === '') throw new FormProblem(`${label}: give it a name`);
      if (names.has(name)) throw new FormProblem(`${label}: the name "${name}" is used twice`);
      names.add(name);
      const command = this.argv(row.command.value, `${label} (${name})`);
      if (command === null) throw new FormProblem(`${label} (${name}): enter a command`);
      const cwd = row.cwd.value.trim();
      if (cwd !== '' && !isDirectory(cwd)) throw new FormProblem(`${label} (${name}): the directory must start with / or ~/`);
      return cwd === '' ? { name, command } : { name, command, cwd };
    });
    const cwd = this.cwd.value.trim();
    if (cwd !== '' && !isDirectory(cwd)) throw new FormProblem('New sessions: the directory must start with / or ~/');
    const autostart = this.autostart.value.split(',').map((id) => id.trim()).filter(Boolean);
    return {
      sessions: { quickStart, command: this.argv(this.command.value, 'New sessions: command'), cwd: cwd || null, cols: this.size(this.cols, 'Columns'), rows: this.size(this.rowsField, 'Rows') },
      power: { policy: this.policy.value || null },
      tunnels: { autostart: autostart.length > 0 ? autostart : null },
    };
  }

  private argv(text: string, what: string): string[] | null {
    try {
      const argv = splitCommand(text.trim());
      return argv.length > 0 ? argv : null;
    } catch (problem) {
      throw new FormProblem(`${what}: ${(problem as Error).message}`);
    }
  }

  private size(field: HTMLInputElement, what: string): number | null {
    const text = field.value.trim();
    if (text === '') return null;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 1000) throw new FormProblem(`New sessions: ${what} must be a whole number from 1 to 1000`);
    return value;
  }

  private async submit(): Promise<void> {
    if (!this.editable || this.save.disabled) return;
    let patch;
    try {
      patch = this.collect();
    } catch (problem) {
      this.say((problem as Error).message, true);
      return;
    }
    this.save.disabled = true;
    this.say('Saving…', false);
    try {
      this.fill(await this.settings.patch(patch));
      this.say('Saved. Applied at once.', false);
    } catch (error) {
      this.say(`Not saved: ${(error as Error).message}`, true);
    } finally {
      this.save.disabled = false;
    }
  }

  private say(text: string, problem: boolean): void {
    this.status.textContent = text;
    this.status.classList.toggle('form-error', problem);
    this.status.setAttribute('role', problem ? 'alert' : 'status');
  }

  private input(name: string, placeholder: string, inputmode?: string): HTMLInputElement {
    return h('input', { name, placeholder, autocomplete: 'off', spellcheck: 'false', inputmode });
  }

  private labelled(text: string, field: HTMLElement): HTMLElement {
    return h('label', null, h('span', null, text), field);
  }
}
