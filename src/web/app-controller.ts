import { TunnelForgeError } from '@tunnelforge/client';
import { ApiClient } from './api-client';
import { fetchAuthConfig } from './auth-config';
import { CredentialStore } from './credential-store';
import type { DebugHandle } from './debug-handle';
import { h } from './dom';
import { loginView } from './login-view';
import type { Principal } from './principal';
import { appNav } from './app-nav';
import { createPanel } from './create-panel';
import { PanelView } from './panel-view';
import { parseRoute } from './route';
import { openShareDialog } from './share-dialog';
import { SessionListView } from './session-list-view';
import { SessionUsageBadges } from './session-usage-badges';
import { SessionsApi } from './sessions-api';
import { SettingsView } from './settings-view';
import { SharesApi } from './shares-api';
import { takeShareToken } from './take-share-token';
import { takePairingCode } from './take-pairing-code';
import { pairDeviceView } from './pair-device-view';
import { TerminalView } from './terminal-view';
import { whoAmI } from './who-am-i';

type View = { dispose(): void };

/**
 * The page: finds out who it is (login form on 401), then shows the session list or one terminal
 * according to the URL fragment (`#/session/<id>`, so a reload comes back to the same session).
 * A share link opens its one session, read-only.
 */
export class AppController {
  readonly debug: DebugHandle = { view: 'starting', terminal: null };
  private readonly store = new CredentialStore(localStorage, sessionStorage);
  private readonly api = new ApiClient(this.store, () => this.onUnauthorized());
  private readonly sessions = new SessionsApi(this.api);
  private principal: Principal | null = null;
  private view: View | null = null;
  private routing = 0;
  /** A pairing code from a `#pair=` link, until it is claimed or the user logs in another way. */
  private pairingCode: string | null = null;

  constructor(private readonly root: HTMLElement) {}

  start(): void {
    const share = takeShareToken(window.location, window.history);
    if (share !== null) this.store.save({ kind: 'share', token: share });
    this.pairingCode = takePairingCode(window.location, window.history);
    window.addEventListener('hashchange', () => void this.route());
    void this.route();
  }

  private async route(notice?: string): Promise<void> {
    const turn = ++this.routing;
    if (this.pairingCode !== null) return this.showPairing(this.pairingCode);
    try {
      this.principal ??= await whoAmI(this.api);
    } catch (error) {
      if (turn !== this.routing) return;
      if (error instanceof TunnelForgeError && error.status === 401) {
        const stale = this.store.get();
        if (stale !== null) this.store.clear();
        const refused = stale?.kind === 'share' ? 'The share link has expired or was revoked.' : 'Your credential was not accepted. Log in again.';
        return this.showLogin(notice ?? (stale !== null ? refused : undefined));
      }
      return this.show({ dispose() {} }, h('p', { class: 'form-error page-error' }, `Cannot reach the agent: ${(error as Error).message}`), 'error');
    }
    if (turn !== this.routing) return;
    const principal = this.principal;
    // A credential bound to one session (share link) opens that session, whatever the URL says.
    const route = principal.sessionId !== undefined ? { view: 'session' as const, sessionId: principal.sessionId } : parseRoute(window.location.hash);
    if (route.view === 'session') {
      if (this.view instanceof TerminalView && this.debug.terminal === this.view && this.currentSession === route.sessionId) return;
      const view = new TerminalView({
        api: this.api,
        sessions: this.sessions,
        sessionId: route.sessionId,
        readOnly: principal.role === 'viewer',
        canGoBack: principal.sessionId === undefined,
        webSocketUrl: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`,
        onBack: () => this.navigate('#/'),
        onShare: principal.role === 'viewer' ? undefined : (name) => void openShareDialog(new SharesApi(this.api), route.sessionId, name),
      });
      this.mount(view, 'terminal');
      this.currentSession = route.sessionId;
      this.debug.terminal = view;
    } else if (route.view === 'panel') {
      const panel = createPanel(route.panel, { api: this.api, principal });
      if (panel === null) return this.navigate('#/'); // a section this role does not have
      const view = new PanelView({ api: this.api, principal, name: route.panel, panel, onLogout: () => void this.logout() });
      this.mount(view, `panel:${route.panel}`);
      this.debug.panel = panel;
    } else if (route.view === 'settings') {
      this.mount(new SettingsView({ api: this.api, principal, onBack: () => this.navigate('#/') }), 'settings');
    } else {
      const list = new SessionListView({
        api: this.api,
        sessions: this.sessions,
        principal,
        onOpen: (id) => this.navigate(`#/session/${encodeURIComponent(id)}`),
        onLogout: () => void this.logout(),
        webSocketUrl: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`,
      });
      this.mount(list, 'list');
      list.element.querySelector('.top-bar')?.after(appNav(principal, 'list'));
      // Per-session CPU and memory on the cards: its own component, so the list view stays as it is.
      const usage = new SessionUsageBadges(this.api, list.element);
      usage.start();
      this.onReplace = () => usage.stop();
    }
  }

  /** Undoes what was attached to the current view from outside it (the usage badges). */
  private onReplace: (() => void) | null = null;

  private currentSession: string | null = null;

  private mount(view: TerminalView | SessionListView | PanelView | SettingsView, name: string): void {
    this.replaceView(view);
    view.mount(this.root);
    this.debug.view = name;
  }

  private show(view: View, element: HTMLElement, name: string): void {
    this.replaceView(view);
    this.root.append(element);
    this.debug.view = name;
  }

  private replaceView(view: View): void {
    this.view?.dispose();
    this.onReplace?.();
    this.onReplace = null;
    this.view = view;
    this.debug.terminal = null;
    this.debug.panel = null;
    this.currentSession = null;
    this.root.replaceChildren();
  }

  private navigate(hash: string): void {
    if (window.location.hash === hash) void this.route();
    else window.location.hash = hash;
  }

  private showPairing(code: string): void {
    const done = () => {
      this.pairingCode = null;
      this.principal = null;
      void this.route();
    };
    this.show({ dispose() {} }, pairDeviceView({ api: this.api, store: this.store, code, onPaired: done, onCancel: done }), 'pair');
  }

  private async showLogin(notice?: string): Promise<void> {
    this.principal = null;
    let config;
    try {
      config = await fetchAuthConfig(this.api);
    } catch (error) {
      config = { methods: [], usernameRequired: false };
      notice ??= `Cannot read the login options: ${(error as Error).message}`;
    }
    const element = loginView({ api: this.api, store: this.store, config, notice, onLoggedIn: () => void this.route() });
    this.show({ dispose() {} }, element, 'login');
    element.querySelector('input')?.focus();
  }

  /** An API call was refused with 401 after the page was in (not during `route`, which handles its own). */
  private onUnauthorized(): void {
    if (this.principal === null) return;
    const wasShare = this.store.get()?.kind === 'share';
    this.store.clear();
    this.principal = null;
    void this.route(wasShare ? 'The share link has expired or was revoked.' : 'Your session has expired. Log in again.');
  }

  private async logout(): Promise<void> {
    await this.api.logout();
    this.principal = null;
    window.location.hash = '#/';
    void this.route();
  }
}
