import type { SpecialKey } from '../plugin-api';

/**
 * Bytes a terminal sends for each named key (xterm, normal cursor-key mode: programs that switch
 * to application mode, like vim, accept these too).
 *
 * Shift+Tab is xterm's back-tab (CSI Z). Enter with a modifier has no byte of its own in a plain
 * terminal (it sends CR, like Enter), so `ctrl_enter` and `shift_enter` use the CSI u encoding
 * (`CSI 13;5u`, `CSI 13;2u`, as xterm's modifyOtherKeys and the kitty keyboard protocol send them):
 * what AI coding CLIs, neovim and readline-based shells with CSI u bindings read as a newline
 * without submitting. A program that does not know CSI u ignores it or shows it as text.
 */
export const specialKeyBytes: Readonly<Record<SpecialKey, string>> = Object.freeze({
  enter: '\r', tab: '\t', escape: '\x1b', backspace: '\x7f', delete: '\x1b[3~', space: ' ',
  arrow_up: '\x1b[A', arrow_down: '\x1b[B', arrow_right: '\x1b[C', arrow_left: '\x1b[D',
  home: '\x1b[H', end: '\x1b[F', page_up: '\x1b[5~', page_down: '\x1b[6~', insert: '\x1b[2~',
  ctrl_a: '\x01', ctrl_c: '\x03', ctrl_d: '\x04', ctrl_e: '\x05', ctrl_k: '\x0b', ctrl_l: '\x0c',
  ctrl_r: '\x12', ctrl_u: '\x15', ctrl_w: '\x17', ctrl_z: '\x1a',
  shift_tab: '\x1b[Z', ctrl_enter: '\x1b[13;5u', shift_enter: '\x1b[13;2u',
  f1: '\x1bOP', f2: '\x1bOQ', f3: '\x1bOR', f4: '\x1bOS',
  f5: '\x1b[15~', f6: '\x1b[17~', f7: '\x1b[18~', f8: '\x1b[19~',
  f9: '\x1b[20~', f10: '\x1b[21~', f11: '\x1b[23~', f12: '\x1b[24~',
});
