/** For responses that carry credentials: no cache (browser, proxy, tunnel) may keep a copy. */
export const NO_STORE: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store' });
