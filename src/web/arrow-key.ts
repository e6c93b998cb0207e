/** Escape sequence of an arrow key; application cursor mode (e.g. in vim, less) uses SS3. */
export function arrowKey(direction: 'up' | 'down' | 'right' | 'left', applicationCursor: boolean): string {
  const letter = { up: 'A', down: 'B', right: 'C', left: 'D' }[direction];
  return (applicationCursor ? '\x1bO' : '\x1b[') + letter;
}
