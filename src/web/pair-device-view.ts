import type { ApiClient } from './api-client';
import { TunnelForgeError } from '@tunnelforge/client';
import type { CredentialStore } from './credential-store';
import { h } from './dom';

export interface PairDeviceViewOptions {
  api: ApiClient;
  store: CredentialStore;
  /** From the pairing link; empty when typed by hand. */
  code: string;
  onPaired(): void;
  onCancel(): void;
}

/** A name for this device to suggest: the platform the browser reports, e.g. "iPhone" or "Android". */
function suggestedName(): string {
  const agent = navigator.userAgent;
  for (const name of ['iPhone', 'iPad', 'Android', 'Macintosh', 'Windows', 'Linux']) if (agent.includes(name)) return name === 'Macintosh' ? 'Mac' : name;
  return 'This device';
}

/**
 * Claiming a pairing code: the page opened from a pairing link (or the code typed in) trades it,
 * with a device name, for an API token of its own, kept like a pasted token.
 */
export function pairDeviceView(options: PairDeviceViewOptions): HTMLElement {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const code = h('input', { name: 'code', value: options.code, autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', required: true });
  const name = h('input', { name: 'deviceName', value: suggestedName(), maxlength: 60, required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Pair this device');
  const form = h('form', { class: 'login-form', 'aria-label': 'Pair this device' },
    h('label', null, h('span', null, 'Pairing code'), code),
    h('label', null, h('span', null, 'Device name'), name),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    options.api
      .json<{ token: string }>('POST', '/api/pairing/claim', { code: code.value.trim(), deviceName: name.value.trim() }, { auth: false })
      .then((claimed) => {
        options.store.save({ kind: 'token', token: claimed.token });
        options.onPaired();
      })
      .catch((problem: unknown) => {
        error.textContent =
          problem instanceof TunnelForgeError && problem.status === 429
            ? `Too many attempts. Try again in ${problem.retryAfterSec ?? 'a few'} seconds.`
            : problem instanceof TunnelForgeError
              ? problem.message
              : `Pairing failed: ${(problem as Error).message}`;
        error.hidden = false;
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return h('section', { class: 'login-view pair-view' },
    h('h1', null, 'Pair this device'),
    h('p', { class: 'hint' }, 'This device gets its own access token; an admin can revoke it in the token list.'),
    error,
    form,
    h('button', { type: 'button', class: 'link', onclick: () => options.onCancel() }, 'Log in another way'),
  );
}
