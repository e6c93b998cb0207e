/**
 * Wraps a button's action so a second click while the first runs does nothing: the button is
 * disabled until the action settles. (The agent also makes one thing per request id; this keeps
 * the page from even asking twice.)
 */
export function onceAtATime(button: HTMLButtonElement, action: () => Promise<void>): () => Promise<void> {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    button.disabled = true;
    try {
      await action();
    } finally {
      running = false;
      button.disabled = false;
    }
  };
}
