import { TerminalConnection, type ConnectionState, type ServerFrame } from '@tunnelforge/client';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { ApiClient } from './api-client';
import { copyText } from './copy-text';
import { ctrlKey } from './ctrl-key';
import { debounce } from './debounce';
import { describeExit } from './describe-exit';
import { h } from './dom';
import { FilesApi } from './files-api';
import { LatencyProbe } from './latency-probe';
import type { SessionsApi } from './sessions-api';
import { SpecialKeysBar } from './special-keys-bar';
import { TerminalFiles } from './terminal-files';
import { TerminalWriteQueue } from './terminal-write-queue';
import { ticketAuth } from './ticket-auth';

/** Resize requests wait this long after the last layout change (the server applies them at once). */
const RESIZE_DEBOUNCE_MS = 75;
/** Flow control: PAUSE the stream above this many unparsed bytes in xterm, RESUME below the low mark. */
const HIGH_WATER_BYTES = 2 * 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;
const KEYS_BAR_SETTING = 'tunnelforge.keysBar';

export interface TerminalViewOptions {
  api: ApiClient;
  sessions: SessionsApi;
  sessionId: string;
  /** The page's role; the server's ATTACHED role has the last word. */
  readOnly: boolean;
  /** Whether "back to the list" makes sense (not for a share link). */
  canGoBack: boolean;
  webSocketUrl: string;
  onBack(): void;
  /** Writers: open the share dialog for this session (its current name); absent for viewers. */
  onShare?(name: string): void;
}

/**
 * One session in a full-window xterm.js terminal, attached over protocol v1.
 *
 * Size: the terminal always has the SESSION's size (SNAPSHOT/RESIZED). A writer asks for the size
 * that fits its window (ATTACH cols/rows, then RESIZE debounced by 75 ms); the server applies it
 * when this page is the most recently active writer (docs/web.md). When the session is larger than
 * the window, the terminal scrolls; when smaller, it sits in the corner.
 */
export class TerminalView {
  readonly element: HTMLElement;
  readonly terminal: Terminal;
  readonly connection: TerminalConnection;
  readonly probe = new LatencyProbe();
  private readonly fit = new FitAddon();
  private readonly queue: TerminalWriteQueue;
  private readonly keys: SpecialKeysBar;
  private readonly viewport: HTMLElement;
  private readonly nameLabel: HTMLElement;
  private readonly stateBadge: HTMLElement;
  private readonly sizeLabel: HTMLElement;
  private readonly readOnlyBadge: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly killButton: HTMLButtonElement;
  private readonly pasteButton: HTMLButtonElement;
  private readonly keysButton: HTMLButtonElement;
  /** Drop or paste files to upload them into the session; its file panel. */
  private readonly files: TerminalFiles;
  private readOnly: boolean;
  private exited = false;
  private paused = false;
  private lastRequested = '';
  private resizeObserver: ResizeObserver | null = null;
  private readonly disposers: Array<() => void> = [];

  constructor(private readonly options: TerminalViewOptions) {
    this.readOnly = options.readOnly;
    this.terminal = new Terminal({
      cursorBlink: true,
      scrollback: 5000,
      fontSize: 14,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      theme: { background: '#0d1117', foreground: '#d6dde6', cursor: '#e6edf3', selectionBackground: '#3a5a8c' },
      disableStdin: this.readOnly,
    });
    this.terminal.loadAddon(this.fit);
    this.queue = new TerminalWriteQueue(this.terminal, () => this.onParsed());
    this.keys = new SpecialKeysBar({
      send: (data) => this.send(data),
      applicationCursor: () => this.terminal.modes.applicationCursorKeysMode,
      refocus: () => this.terminal.focus(),
    });

    this.nameLabel = h('span', { class: 'term-name' }, '…');
    this.stateBadge = h('span', { class: 'badge state', 'data-state': 'connecting' }, 'connecting');
    this.sizeLabel = h('span', { class: 'term-size', title: 'Session size (columns × rows)' });
    this.readOnlyBadge = h('span', { class: 'badge read-only', title: 'You can watch this session but not type in it' }, 'read-only');
    this.killButton = h('button', { type: 'button', class: 'danger', onclick: () => void this.kill() }, 'Kill');
    this.pasteButton = h('button', { type: 'button', title: 'Paste from the clipboard (Ctrl+Shift+V)', onclick: () => void this.pasteFromClipboard() }, 'Paste');
    this.keysButton = h('button', { type: 'button', title: 'Show or hide the special keys', 'aria-pressed': 'false', onclick: () => this.toggleKeys() }, 'Keys');
    this.files = new TerminalFiles({
      files: new FilesApi(options.api),
      sessionId: options.sessionId,
      canUpload: () => !this.readOnly && !this.exited,
      notify: (text) => this.flash(text),
      warn: (text) => this.showBanner(text, 'error'),
      refocus: () => this.terminal.focus(),
    });
    this.viewport = h('div', { class: 'term-viewport' });
    this.banner = h('div', { class: 'term-banner', role: 'status', hidden: true });
    this.element = h('section', { class: 'term-view' },
      h('header', { class: 'term-bar' },
        options.canGoBack ? h('button', { type: 'button', class: 'back', onclick: () => options.onBack(), title: 'Back to the sessions' }, '← Sessions') : null,
        this.nameLabel,
        this.stateBadge,
        this.readOnlyBadge,
        this.sizeLabel,
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', title: 'Copy the selection, or the whole screen (Ctrl+Shift+C)', onclick: () => void this.copy() }, 'Copy'),
        this.pasteButton,
        this.keysButton,
        this.files.button,
        options.onShare ? h('button', { type: 'button', class: 'share', title: 'A read-only link to this session', onclick: () => options.onShare?.(this.nameLabel.textContent ?? '') }, 'Share') : null,
        this.killButton,
      ),
      this.viewport,
      this.files.panel.element,
      this.files.progress,
      this.banner,
      this.keys.element,
    );

    this.connection = new TerminalConnection({
      url: options.webSocketUrl,
      sessionId: options.sessionId,
      authenticate: () => ticketAuth(options.api, options.sessionId),
      size: () => (this.readOnly ? null : this.fittedSize()),
      // A page left open comes back whenever the agent does.
      reconnect: { giveUpAfterMs: Infinity },
    });
    this.connection.on('frame', (frame) => this.onFrame(frame));
    this.connection.on('state', (state, detail) => this.setState(state, detail));
    this.applyReadOnly();
  }

  mount(parent: HTMLElement): void {
    parent.append(this.element);
    this.terminal.open(this.viewport);
    this.setKeysVisible(this.keysWanted());
    this.wireInput();
    this.files.attach(this.viewport);
    const refit = debounce(() => this.requestFit(), RESIZE_DEBOUNCE_MS);
    this.resizeObserver = new ResizeObserver(() => refit());
    this.resizeObserver.observe(this.viewport);
    this.disposers.push(() => refit.cancel());
    void this.connection.connect(); // its `state` events tell the rest
    this.terminal.focus();
  }

  dispose(): void {
    this.files.dispose();
    this.connection.close();
    this.resizeObserver?.disconnect();
    for (const dispose of this.disposers.splice(0)) dispose();
    this.terminal.dispose();
    this.element.remove();
  }

  /** The visible lines of the terminal (what a test or a copy of the screen reads). */
  screenLines(): string[] {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.terminal.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines;
  }

  private wireInput(): void {
    const term = this.terminal;
    const data = term.onData((text) => this.send(text));
    const binary = term.onBinary((bytes) => {
      // xterm's binary input (some mouse reports) is a string of byte values 0..255.
      if (!this.readOnly) this.connection.input(Uint8Array.from(bytes, (char) => char.charCodeAt(0) & 0xff));
    });
    const render = term.onRender(() => this.probe.rendered(performance.now()));
    // On an ancestor, capturing: runs before xterm's own (capturing) keydown handler on its textarea.
    const keydown = (event: KeyboardEvent) => this.probe.keydown(event.timeStamp);
    this.viewport.addEventListener('keydown', keydown, true);
    this.disposers.push(() => {
      data.dispose();
      binary.dispose();
      render.dispose();
      this.viewport.removeEventListener('keydown', keydown, true);
    });
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        event.preventDefault();
        void this.copy();
        return false;
      }
      if (event.code === 'KeyV') {
        event.preventDefault();
        void this.pasteFromClipboard();
        return false;
      }
      return true;
    });
  }

  /** Typed or pasted input: at once, one frame per event (large pastes in 64 KiB pieces). */
  private send(text: string): void {
    if (this.readOnly || this.exited) return;
    const data = this.keys.takeCtrl() ? ctrlKey(text) : text;
    if (this.connection.input(data) > 0) this.probe.sent(performance.now());
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'attached':
        this.nameLabel.textContent = frame.session.name;
        document.title = `${frame.session.name} · TunnelForge`;
        if (frame.role === 'viewer' && !this.readOnly) {
          this.readOnly = true;
          this.applyReadOnly();
        }
        this.exited = frame.session.state === 'exited';
        if (!this.exited) this.showBanner(null);
        this.lastRequested = '';
        this.paused = false;
        break;
      case 'snapshot':
        this.queue.barrier(() => {
          this.terminal.reset();
          this.terminal.resize(frame.cols, frame.rows);
          this.afterResize();
        });
        this.queue.write(frame.data);
        break;
      case 'output':
        this.probe.received(performance.now());
        this.queue.write(frame.data);
        if (!this.paused && this.queue.pendingBytes > HIGH_WATER_BYTES) {
          this.paused = true;
          this.connection.pause();
        }
        break;
      case 'resized':
        this.queue.barrier(() => {
          if (this.terminal.cols !== frame.cols || this.terminal.rows !== frame.rows) this.terminal.resize(frame.cols, frame.rows);
          this.afterResize();
        });
        break;
      case 'exit':
        this.queue.barrier(() => {
          this.exited = true;
          this.showBanner(`Process ${describeExit(frame.exitCode, frame.signal)}.`, 'exit');
          this.killButton.textContent = 'Remove';
          this.killButton.title = 'Remove the exited session';
          this.applyReadOnly();
        });
        break;
      case 'error':
        this.showBanner(`${frame.message} (${frame.code})`, 'error');
        break;
      case 'pong':
        break;
    }
  }

  private onParsed(): void {
    this.probe.parsed(performance.now());
    if (this.paused && this.queue.pendingBytes < LOW_WATER_BYTES) {
      this.paused = false;
      this.connection.resume();
    }
  }

  /** The size that fits the viewport, or null before xterm can measure its cells. */
  private fittedSize(): { cols: number; rows: number } | null {
    const dims = this.fit.proposeDimensions();
    if (!dims || !Number.isFinite(dims.cols) || !Number.isFinite(dims.rows)) return null;
    return { cols: clamp(dims.cols, 2, 1000), rows: clamp(dims.rows, 1, 1000) };
  }

  /** Ask the server for the size that fits the window (writers only; the server decides). */
  private requestFit(): void {
    this.afterResize();
    if (this.readOnly || this.exited || !this.connection.isAttached) return;
    const size = this.fittedSize();
    if (size === null) return;
    const key = `${size.cols}x${size.rows}`;
    if (key === this.lastRequested || (size.cols === this.terminal.cols && size.rows === this.terminal.rows)) return;
    this.lastRequested = key;
    this.connection.resize(size.cols, size.rows);
  }

  private afterResize(): void {
    const { cols, rows } = this.terminal;
    this.sizeLabel.textContent = `${cols}×${rows}`;
    const fitted = this.fittedSize();
    const other = fitted !== null && (fitted.cols !== cols || fitted.rows !== rows);
    this.element.classList.toggle('size-mismatch', other);
    this.sizeLabel.title = other
      ? `Session size ${cols}×${rows}, set by ${this.readOnly ? 'its writers' : 'the most recently active writer'}; your window fits ${fitted.cols}×${fitted.rows}${this.readOnly ? '' : ' (type to take over)'}`
      : 'Session size (columns × rows)';
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.stateBadge.dataset.state = state;
    this.stateBadge.textContent = state === 'attached' ? 'live' : state;
    this.stateBadge.title = detail ?? '';
    if (state === 'ended') this.showBanner(detail ? `Disconnected: ${detail}.` : 'Disconnected.', 'error');
    if (state === 'attached' && !this.exited) this.requestFit();
  }

  private applyReadOnly(): void {
    const inputOff = this.readOnly || this.exited;
    this.terminal.options.disableStdin = inputOff;
    this.terminal.options.cursorBlink = !inputOff;
    this.element.classList.toggle('is-read-only', this.readOnly);
    this.readOnlyBadge.hidden = !this.readOnly;
    this.killButton.hidden = this.readOnly;
    this.pasteButton.hidden = inputOff;
    this.keysButton.hidden = inputOff;
    if (inputOff) this.keys.element.hidden = true;
    else this.setKeysVisible(this.keysWanted());
  }

  private showBanner(text: string | null, kind: 'exit' | 'error' = 'error'): void {
    this.banner.hidden = text === null;
    this.banner.textContent = text ?? '';
    this.banner.dataset.kind = kind;
  }

  private async copy(): Promise<void> {
    const selection = this.terminal.getSelection();
    const text = selection !== '' ? selection : this.screenLines().join('\n').replace(/\n+$/, '\n');
    const ok = await copyText(text);
    this.flash(ok ? (selection !== '' ? 'Selection copied' : 'Screen copied') : 'Copy failed: select the text and use your browser\'s copy');
  }

  private async pasteFromClipboard(): Promise<void> {
    if (this.readOnly || this.exited) return;
    try {
      const text = await navigator.clipboard.readText();
      if (text !== '') this.terminal.paste(text); // bracketed paste when the program asked for it
    } catch {
      this.flash('Paste here with your browser\'s paste (Ctrl+V / ⌘V / long press)');
    }
    this.terminal.focus();
  }

  private async kill(): Promise<void> {
    const removing = this.exited;
    if (!window.confirm(removing ? 'Remove this exited session?' : 'End this session\'s process (SIGTERM, then SIGHUP, then SIGKILL)?')) return;
    try {
      await this.options.sessions.kill(this.options.sessionId);
      if (removing) this.options.onBack();
    } catch (error) {
      this.showBanner(`Could not ${removing ? 'remove' : 'kill'} the session: ${(error as Error).message}`);
    }
  }

  private toggleKeys(): void {
    const visible = this.keys.element.hidden !== false;
    localStorage.setItem(KEYS_BAR_SETTING, visible ? 'on' : 'off');
    this.setKeysVisible(visible);
    this.terminal.focus();
  }

  /** On by default on touch screens (coarse pointer), off on desktops; the Keys button overrides. */
  private keysWanted(): boolean {
    const setting = localStorage.getItem(KEYS_BAR_SETTING);
    if (setting === 'on' || setting === 'off') return setting === 'on';
    return window.matchMedia('(pointer: coarse)').matches;
  }

  private setKeysVisible(visible: boolean): void {
    const show = visible && !this.readOnly && !this.exited;
    this.keys.element.hidden = !show;
    this.keysButton.setAttribute('aria-pressed', String(show));
  }

  private flash(text: string): void {
    const note = h('div', { class: 'toast', role: 'status' }, text);
    this.element.append(note);
    setTimeout(() => note.remove(), 2500);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.floor(value)));
}
