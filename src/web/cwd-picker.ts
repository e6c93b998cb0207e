import { debounce } from './debounce';
import { h } from './dom';
import type { PathCompletion } from '@tunnelforge/client';

let pickers = 0;

/**
 * Directory completion for a path input (the "new session" form's working directory): while the
 * user types an absolute path or `~/…`, the agent's completions fill a `<datalist>`; Tab takes the
 * only completion, or the part all completions share. What goes wrong is said under the field
 * ("This agent does not let you browse files", "… is outside the configured roots").
 */
export function attachCwdPicker(input: HTMLInputElement, complete: (prefix: string) => Promise<PathCompletion[]>): HTMLElement {
  const id = `cwd-completions-${++pickers}`;
  const list = h('datalist', { id });
  const hint = h('span', { class: 'hint picker-hint', 'aria-live': 'polite' });
  input.setAttribute('list', id);
  let current: PathCompletion[] = [];
  let asked = '';

  const refresh = async (): Promise<void> => {
    const prefix = input.value;
    asked = prefix;
    if (!(prefix.startsWith('/') || prefix.startsWith('~'))) {
      current = [];
      list.replaceChildren();
      hint.textContent = '';
      return;
    }
    try {
      const completions = await complete(prefix);
      if (asked !== prefix) return; // a newer keystroke won
      current = completions;
      list.replaceChildren(...completions.map((c) => h('option', { value: c.path })));
      hint.textContent = completions.length === 0 ? 'No matching directory' : '';
    } catch (error) {
      if (asked !== prefix) return;
      current = [];
      list.replaceChildren();
      hint.textContent = (error as Error).message;
    }
  };
  const soon = debounce(() => void refresh(), 120);
  input.addEventListener('input', () => soon());
  input.addEventListener('focus', () => soon());
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab' || event.shiftKey || current.length === 0 || asked !== input.value) return;
    const shared = commonPrefix(current.map((c) => c.path));
    if (shared.length <= input.value.length) return;
    event.preventDefault();
    input.value = shared;
    soon.cancel();
    void refresh();
  });
  return h('span', { class: 'picker' }, list, hint);
}

function commonPrefix(values: string[]): string {
  let prefix = values[0] ?? '';
  for (const value of values.slice(1)) while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}
