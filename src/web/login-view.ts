import { TunnelForgeError } from '@tunnelforge/client';
import type { ApiClient } from './api-client';
import type { AuthConfig } from './auth-config';
import type { CredentialStore } from './credential-store';
import { h } from './dom';

export interface LoginViewOptions {
  api: ApiClient;
  store: CredentialStore;
  config: AuthConfig;
  /** Shown above the form (e.g. "Your session expired"). */
  notice?: string;
  onLoggedIn(): void;
}

/**
 * The login form: a password (and a username when the agent has several users) when the agent
 * offers password login, and always the option to paste an access token (an API token, or the
 * local token file's content).
 */
export function loginView(options: LoginViewOptions): HTMLElement {
  const { api, store, config } = options;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: !options.notice }, options.notice ?? '');
  const fail = (text: string) => {
    error.textContent = text;
    error.hidden = false;
  };
  const hasPassword = config.methods.includes('password');
  let passwordForm: HTMLFormElement | null = null;
  if (hasPassword) {
    const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Log in');
    passwordForm = h('form', { class: 'login-form', 'aria-label': 'Log in' },
      config.usernameRequired ? h('label', null, h('span', null, 'User'), username) : null,
      h('label', null, h('span', null, 'Password'), password),
      submit,
    );
    passwordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      api.login(password.value, config.usernameRequired ? username.value : undefined)
        .then(() => options.onLoggedIn())
        .catch((problem: unknown) => {
          if (problem instanceof TunnelForgeError && problem.status === 401) fail('Wrong user name or password.');
          else if (problem instanceof TunnelForgeError && problem.status === 429) fail(`Too many attempts. Try again in ${problem.retryAfterSec ?? 'a few'} seconds.`);
          else fail(`Login failed: ${(problem as Error).message}`);
          password.select();
        })
        .finally(() => {
          submit.disabled = false;
        });
    });
  }
  const token = h('input', { name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const tokenForm = h('form', { class: 'login-form', 'aria-label': 'Use an access token' },
    h('label', null, h('span', null, 'Token'), token),
    h('button', { type: 'submit', class: hasPassword ? '' : 'primary' }, 'Use token'),
  );
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    store.save({ kind: 'token', token: token.value.trim() });
    options.onLoggedIn();
  });
  return h('section', { class: 'login-view' },
    h('h1', null, 'TunnelForge'),
    error,
    passwordForm,
    hasPassword ? h('details', { class: 'token-login' }, h('summary', null, 'Use an access token instead'), tokenForm) : tokenForm,
    hasPassword ? null : h('p', { class: 'hint' }, 'This agent has no password login. Paste an API token, or the content of the local-token file in its data directory.'),
  );
}
