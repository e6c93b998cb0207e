import { arrowKey } from './arrow-key';
import { h } from './dom';

export interface SpecialKeysBarOptions {
  /** Send bytes to the terminal. */
  send(data: string): void;
  /** Whether the terminal is in application cursor mode (arrow keys send SS3). */
  applicationCursor(): boolean;
  /** Give the keyboard focus back to the terminal. */
  refocus(): void;
}

/**
 * The row of keys phones lack: Esc, Tab, Shift+Tab, a sticky Ctrl (applies to the next key typed),
 * arrows, ^C and Shift+Enter. Buttons act on `pointerdown` and never take the focus, so the on-screen keyboard stays
 * open.
 */
export class SpecialKeysBar {
  readonly element: HTMLElement;
  private ctrlArmed = false;
  private readonly ctrlButton: HTMLButtonElement;

  constructor(private readonly options: SpecialKeysBarOptions) {
    const key = (label: string, title: string, action: () => void, extra: Record<string, string> = {}) => {
      const button = h('button', { type: 'button', class: 'key', title, 'aria-label': title, tabindex: '-1', ...extra }, label);
      button.addEventListener('pointerdown', (event) => {
        event.preventDefault(); // keep the focus (and the on-screen keyboard) on the terminal
        action();
        this.options.refocus();
      });
      // Keyboard users (no pointer): Enter/Space on a focused button.
      button.addEventListener('click', (event) => {
        if (event.detail === 0) action();
      });
      return button;
    };
    const send = (data: string) => () => this.options.send(data);
    const arrow = (direction: 'up' | 'down' | 'right' | 'left') => () => this.options.send(arrowKey(direction, this.options.applicationCursor()));
    this.ctrlButton = key('Ctrl', 'Ctrl (applies to the next key)', () => this.setCtrl(!this.ctrlArmed), { 'aria-pressed': 'false', 'data-key': 'ctrl' });
    this.element = h('div', { class: 'keys-bar', role: 'toolbar', 'aria-label': 'Special keys' },
      key('Esc', 'Escape', send('\x1b'), { 'data-key': 'esc' }),
      key('Tab', 'Tab', send('\t'), { 'data-key': 'tab' }),
      // Same bytes as the input keys shift_tab and shift_enter (src/sessions/special-key-bytes.ts).
      key('⇧Tab', 'Shift+Tab', send('\x1b[Z'), { 'data-key': 'shift-tab' }),
      this.ctrlButton,
      key('←', 'Left', arrow('left'), { 'data-key': 'left' }),
      key('↑', 'Up', arrow('up'), { 'data-key': 'up' }),
      key('↓', 'Down', arrow('down'), { 'data-key': 'down' }),
      key('→', 'Right', arrow('right'), { 'data-key': 'right' }),
      key('^C', 'Ctrl+C (interrupt)', send('\x03'), { 'data-key': 'ctrl-c' }),
      key('⇧⏎', 'Shift+Enter (newline without submitting, CSI u)', send('\x1b[13;2u'), { 'data-key': 'shift-enter' }),
    );
  }

  /** True once, for the keystroke the sticky Ctrl applies to (then it releases). */
  takeCtrl(): boolean {
    if (!this.ctrlArmed) return false;
    this.setCtrl(false);
    return true;
  }

  private setCtrl(armed: boolean): void {
    this.ctrlArmed = armed;
    this.ctrlButton.classList.toggle('armed', armed);
    this.ctrlButton.setAttribute('aria-pressed', String(armed));
  }
}
