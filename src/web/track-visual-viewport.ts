/**
 * Keeps `--app-height` on `target` equal to the visual viewport's height, so the terminal and the
 * key bar stay above a phone's on-screen keyboard (iOS Safari does not shrink the layout viewport).
 */
export function trackVisualViewport(target: HTMLElement): void {
  const viewport = window.visualViewport;
  if (!viewport) return;
  const update = () => target.style.setProperty('--app-height', `${Math.round(viewport.height)}px`);
  viewport.addEventListener('resize', update);
  update();
}
