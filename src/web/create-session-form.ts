import { attachCwdPicker } from './cwd-picker';
import { h } from './dom';
import type { PathCompletion } from '@tunnelforge/client';
import type { CreateSessionRequest } from './sessions-api';
import { splitCommand } from './split-command';

/**
 * The "new session" form: command (empty = the login shell), working directory (empty = home;
 * completed by `complete` as it is typed, when given) and name (empty = derived from the
 * command). Calls `onCreate` with the API request.
 */
export function createSessionForm(onCreate: (request: CreateSessionRequest) => Promise<void>, complete?: (prefix: string) => Promise<PathCompletion[]>): HTMLFormElement {
  const command = h('input', { name: 'command', placeholder: 'login shell', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'Command' });
  const cwd = h('input', { name: 'cwd', placeholder: 'home directory', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'Working directory' });
  const name = h('input', { name: 'name', placeholder: 'automatic', autocomplete: 'off', 'aria-label': 'Name' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create');
  const form = h('form', { class: 'create-form', 'aria-label': 'New session' },
    h('label', null, h('span', null, 'Command'), command),
    h('label', null, h('span', null, 'Directory'), cwd, complete ? attachCwdPicker(cwd, complete) : null),
    h('label', null, h('span', null, 'Name'), name),
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    const request: CreateSessionRequest = {};
    try {
      const argv = splitCommand(command.value.trim());
      if (argv.length > 0) request.command = argv;
    } catch (problem) {
      error.textContent = `Command: ${(problem as Error).message}`;
      error.hidden = false;
      return;
    }
    if (cwd.value.trim() !== '') request.cwd = cwd.value.trim();
    if (name.value.trim() !== '') request.name = name.value.trim();
    submit.disabled = true;
    onCreate(request)
      .then(() => form.reset())
      .catch((problem: Error) => {
        error.textContent = problem.message;
        error.hidden = false;
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
