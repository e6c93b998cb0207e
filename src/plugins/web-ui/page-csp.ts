/**
 * Content-Security-Policy of the web client's page: exactly what it needs.
 * - `script-src 'self'`: the one bundle; no inline script, no eval.
 * - `style-src 'self' 'unsafe-inline'`: the stylesheet, plus the styles xterm.js writes at run time:
 *   its DOM renderer creates `<style>` elements for the theme and cell sizes and sets `style`
 *   attributes for 24-bit colours, with no nonce support. Inline *style* cannot run code; scripts
 *   stay locked to 'self'.
 * - `connect-src 'self'`: fetch to the API and the WebSocket to /ws (CSP 3 'self' covers ws/wss of
 *   the same host).
 * - Nothing else loads (`default-src 'none'`), the page cannot be framed, and has no base or form targets.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Content-Security-Policy of the service worker (`/sw.js`), which applies to the worker itself: it
 * shows notifications and focuses windows, and loads and fetches nothing.
 */
export const WORKER_CSP = "default-src 'none'";
