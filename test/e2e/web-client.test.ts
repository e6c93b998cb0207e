import type { Browser } from 'playwright-core';
import {
  BASH, connectionStats, launchChromium, openPage, screenLines, startWebAgent, USER,
  waitForAttached, waitForScreen, type TestPage, type WebAgent,
} from './web-harness';

/**
 * The web client in real headless Chromium against the real agent: log in, create a session, type,
 * reload, a second page, a read-only viewer, kill. Scenarios run in order and share the session.
 */
describe('web client (Chromium, real agent)', () => {
  let agent: WebAgent;
  let browser: Browser;
  const pages: TestPage[] = [];
  let sessionId = '';
  let main: TestPage;

  beforeAll(async () => {
    [agent, browser] = await Promise.all([startWebAgent(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
  });
  afterEach(() => {
    // No script error, console error or CSP violation on any page.
    for (const page of pages) expect(page.problems).toEqual([]);
  });

  async function open(options: Parameters<typeof openPage>[2] = {}): Promise<TestPage> {
    const page = await openPage(browser, agent, options);
    pages.push(page);
    return page;
  }

  it('serves the page and its hashed assets with types, caching and a CSP without inline scripts', async () => {
    const page = await fetch(agent.url + '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    const script = /src="(\/assets\/app-[\w-]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/assets\/app-[\w-]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await fetch(agent.url + script!, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('br');
    expect((await js.text()).length).toBeGreaterThan(100_000); // fetch decodes it: xterm.js is in there
    const css = await fetch(agent.url + style!, { headers: { 'accept-encoding': 'identity' } });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('content-encoding')).toBeNull();
    expect(await css.text()).toContain('.xterm'); // xterm.css is bundled
    const etag = page.headers.get('etag')!;
    expect((await fetch(agent.url + '/', { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(agent.url + '/assets/app-nope.js')).status).toBe(404);
  });

  it('shows the login form without a credential and logs in with a password', async () => {
    const { page, context } = await open();
    await page.waitForSelector('.login-view form[aria-label="Log in"]');
    expect(await page.isVisible('input[name=username]')).toBe(false); // one user: no user name needed
    await page.fill('input[name=password]', 'not the password');
    await page.click('form[aria-label="Log in"] button[type=submit]');
    await page.waitForSelector('.login-view .form-error:not([hidden])');
    expect(await page.textContent('.login-view .form-error')).toContain('Wrong');
    await page.fill('input[name=password]', USER.password);
    await page.click('form[aria-label="Log in"] button[type=submit]');
    await page.waitForSelector('.list-view');
    expect(await page.textContent('.who')).toContain(`${USER.username} · admin`);
    // The login survives a reload (the token is in localStorage, refreshable) …
    await page.reload();
    await page.waitForSelector('.list-view');
    // … and logging out revokes it: the page is back at the login form.
    await page.click('.top-bar button:has-text("Log out")');
    await page.waitForSelector('.login-view');
    await context.close();
  });

  it('creates a session from the list, types into it and reads hello-42 back from the terminal buffer', async () => {
    main = await open({ token: agent.token });
    const { page } = main;
    await page.waitForSelector('.create-form');
    await page.fill('.create-form input[name=command]', BASH.join(' '));
    await page.fill('.create-form input[name=name]', 'e2e shell');
    await page.click('.create-form button[type=submit]');
    await page.waitForFunction(() => /^#\/session\//.test((globalThis as any).location.hash));
    sessionId = decodeURIComponent(await page.evaluate(() => (globalThis as any).location.hash.slice('#/session/'.length)));
    await waitForAttached(page);
    await page.click('.term-viewport');
    await page.keyboard.type('echo hello-$((6*7))\n');
    const lines = await waitForScreen(page, 'hello-42');
    expect(lines.some((line) => line.trim() === 'hello-42')).toBe(true);
    // Fit to window: the session took the size of this page's terminal area.
    const info = (await agent.api('GET', `/api/sessions/${sessionId}`)).body;
    const stats = await connectionStats(page);
    expect({ cols: info.cols, rows: info.rows }).toEqual({ cols: stats.cols, rows: stats.rows });
    expect(info.cols).toBeGreaterThan(80);
  });

  it('comes back after a reload with the same screen and no replay of history', async () => {
    const { page } = main;
    // Enough history that a replay would be obvious (about 40 KiB).
    await page.keyboard.type("for i in $(seq 1 4000); do echo history-line-$i; done; clear; ls -l --color=always /usr/share | head -24; printf '\\e[1;32mok\\e[0m \\e[33mscreen-%d\\e[0m\\n' $((40+2))\n");
    await waitForScreen(page, 'screen-42');
    await page.evaluate(() => (globalThis as any).__tf.terminal.terminal.write('')); // settle
    const before = await screenLines(page);
    const ring = (await agent.api('GET', `/api/sessions/${sessionId}`)).body.outputBytes as number;
    expect(ring).toBeGreaterThan(40_000);

    await page.reload();
    await waitForAttached(page);
    await waitForScreen(page, 'screen-42');
    const after = await screenLines(page);
    const stats = await connectionStats(page);
    expect(stats.snapshots).toBe(1); // the screen came as one SNAPSHOT …
    expect(stats.outputBytes).toBeLessThan(512); // … and not as a replay of the output
    expect(after).toEqual(before);
    expect(after.join('\n')).not.toContain('history-line-3990');
  });

  it('shows keystrokes typed in one page in a second page, and the active writer sets the size', async () => {
    const second = await open({ token: agent.token, hash: `#/session/${encodeURIComponent(sessionId)}`, viewport: { width: 800, height: 500 } });
    await waitForAttached(second.page);
    // Attaching made the second page the active writer: the session has its (smaller) size now,
    // and the first page's terminal follows.
    const small = await connectionStats(second.page);
    await main.page.waitForFunction((cols: number) => (globalThis as any).__tf.terminal.terminal.cols === cols, small.cols);
    expect(await main.page.evaluate(() => (globalThis as any).__tf.terminal.element.classList.contains('size-mismatch'))).toBe(true);

    await main.page.keyboard.type('echo typed-in-page-one');
    await waitForScreen(second.page, 'echo typed-in-page-one');
    // Typing made the first page the active writer again: its size is back, on both pages.
    const big = (await agent.api('GET', `/api/sessions/${sessionId}`)).body;
    expect(big.cols).toBeGreaterThan(small.cols);
    await second.page.waitForFunction((cols: number) => (globalThis as any).__tf.terminal.terminal.cols === cols, big.cols);
    await main.page.keyboard.press('Enter');
    await waitForScreen(second.page, 'typed-in-page-one\n');
    await second.context.close();
  });

  it('pastes 150 KB in INPUT frames of at most 64 KiB, all of it reaching the program', async () => {
    const { page } = main;
    await page.keyboard.type('stty -echo; wc -c; stty echo\n');
    await page.waitForTimeout(200);
    const frames: number[] = await page.evaluate(() => {
      const g = globalThis as any;
      const sizes: number[] = [];
      const send = g.WebSocket.prototype.send;
      g.WebSocket.prototype.send = function (this: unknown, data: Uint8Array) {
        if (data[0] === 0x02) sizes.push(data.length - 1); // INPUT payload
        return send.call(this, data);
      };
      g.__tf.terminal.terminal.paste(('x'.repeat(99) + '\n').repeat(1500));
      g.WebSocket.prototype.send = send;
      return sizes;
    });
    expect(frames.reduce((a, b) => a + b, 0)).toBe(150_000);
    expect(Math.max(...frames)).toBeLessThanOrEqual(64 * 1024);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    await page.keyboard.press('Control+D');
    await waitForScreen(page, '150000');
  });

  it("opens a share link read-only: the viewer's keystrokes never reach the PTY", async () => {
    const share = await agent.api('POST', `/api/sessions/${sessionId}/share`, { expiresInMinutes: 5 });
    expect(share.status).toBe(201);
    const shareUrl = new URL(share.body.url as string);
    expect(shareUrl.hash).toMatch(/^#share=/);
    const viewer = await open({ hash: shareUrl.hash });
    const { page } = viewer;
    await waitForAttached(page);
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe(''); // the token left the address bar
    await page.waitForSelector('.badge.read-only:not([hidden])');
    expect(await page.isVisible('.keys-bar')).toBe(false);
    expect(await page.isVisible('.back')).toBe(false);
    await waitForScreen(page, 'typed-in-page-one');
    const before = (await agent.api('GET', `/api/sessions/${sessionId}`)).body.outputBytes as number;
    await page.click('.term-viewport');
    await page.keyboard.type('echo viewer-typed\n');
    // Even a frame forced past the page's own guard is refused by the server.
    await page.evaluate(() => {
      const view = (globalThis as any).__tf.terminal;
      view.readOnly = false;
      view.connection.input('echo forced-by-viewer\r');
    });
    await page.waitForSelector('.term-banner:not([hidden])');
    expect(await page.textContent('.term-banner')).toContain('TF_ERR_FORBIDDEN');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = (await agent.api('GET', `/api/sessions/${sessionId}`)).body.outputBytes as number;
    expect(after).toBe(before); // not one byte reached the shell (its echo would be output)
    const text = (await agent.api('GET', `/api/sessions/${sessionId}/text`)).body as string;
    expect(text).not.toContain('viewer-typed');
    expect(text).not.toContain('forced-by-viewer');
    await viewer.context.close();
  });

  it('shows the special-key bar on a touch screen: sticky Ctrl, arrows', async () => {
    const phone = await open({ token: agent.token, hash: `#/session/${encodeURIComponent(sessionId)}`, viewport: { width: 390, height: 640 }, phone: true });
    const { page } = phone;
    await waitForAttached(page);
    await page.waitForSelector('.keys-bar:not([hidden])');
    await page.tap('.term-viewport');
    await page.keyboard.type('echo wrong-line');
    await page.tap('[data-key=ctrl]');
    expect(await page.getAttribute('[data-key=ctrl]', 'aria-pressed')).toBe('true');
    await page.keyboard.type('u'); // Ctrl+U: readline kills the line
    expect(await page.getAttribute('[data-key=ctrl]', 'aria-pressed')).toBe('false'); // one key only
    await page.keyboard.type('echo key-bar-$((2+3))\n');
    await waitForScreen(page, 'key-bar-5');
    await page.tap('[data-key=up]'); // history: the same command again
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as any).__tf.terminal.screenLines().filter((line: string) => line === 'key-bar-5').length === 2);
    expect((await screenLines(page)).join('\n')).not.toContain('wrong-line\nkey-bar');
    await phone.context.close();
  });

  it('lists sessions with previews, renames one, and shows the exit code of an ended session', async () => {
    const other = (await agent.api('POST', '/api/sessions', { command: BASH, name: 'build' })).body;
    await agent.api('POST', `/api/sessions/${other.id}/input`, { text: 'printf "compiling %s\\n" core web cli; echo done-$((1+1))\r' });
    const list = await open({ token: agent.token });
    const { page } = list;
    const card = `.session-card[data-session-id="${other.id}"]`;
    await page.waitForFunction((selector: string) => (globalThis as any).document.querySelector(selector)?.querySelector('.preview')?.textContent.includes('done-2'), card);

    page.removeAllListeners('dialog');
    page.once('dialog', (dialog) => void dialog.accept('renamed build'));
    await page.click(`${card} button[title=Rename]`);
    await page.waitForFunction((selector: string) => (globalThis as any).document.querySelector(selector)?.querySelector('.session-name')?.textContent === 'renamed build', card);
    page.on('dialog', (dialog) => void dialog.accept());

    // A process that exits by itself: its code is shown in the terminal.
    await page.click(`${card} .session-name`);
    await waitForAttached(page);
    await page.click('.term-viewport');
    await page.keyboard.type('exit 3\n');
    await page.waitForSelector('.term-banner[data-kind=exit]:not([hidden])');
    expect(await page.textContent('.term-banner')).toBe('Process exited with code 3.');
    await list.context.close();
  });

  it('shows live previews and session state pushed over one WebSocket, with no /text polling', async () => {
    const ticker = (await agent.api('POST', '/api/sessions', {
      command: ['bash', '--norc', '-c', "printf '\\e]0;ticker title\\a'; i=0; while :; do i=$((i+1)); echo tick-$i; [ $i = 15 ] && printf '\\a'; sleep 0.2; done"],
      name: 'ticker',
    })).body;
    const logged = agent.tk.logger.entries.length;
    const list = await open({ token: agent.token });
    const { page } = list;
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const card = `.session-card[data-session-id="${ticker.id}"]`;
    const tickIn = (selector: string) => page.evaluate((s: string) => Number(/tick-(\d+)\s*$/.exec((globalThis as any).document.querySelector(s)?.querySelector('.preview')?.textContent ?? '')?.[1] ?? 0), selector);
    await page.waitForFunction((selector: string) => /tick-\d+/.test((globalThis as any).document.querySelector(selector)?.querySelector('.preview')?.textContent ?? ''), card);
    const first = await tickIn(card);
    // Live: the preview moves on by itself (the agent pushes it), several times.
    await page.waitForFunction(([selector, after]: [string, number]) => {
      const text = (globalThis as any).document.querySelector(selector)?.querySelector('.preview')?.textContent ?? '';
      return Number(/tick-(\d+)\s*$/.exec(text)?.[1] ?? 0) >= after + 5;
    }, [card, first] as [string, number]);
    // State from events: the title, activity and the bell (rung at tick 15).
    await page.waitForFunction((selector: string) => ((globalThis as any).document.querySelector(selector)?.querySelector('.session-status')?.textContent ?? '').includes('ticker title'), card);
    expect(await page.textContent(`${card} .session-status`)).toContain('active');
    await page.waitForSelector(`${card} .badge.bell:not([hidden])`);
    expect(requests.filter((pathname) => pathname.endsWith('/text'))).toEqual([]);
    // And on the agent's side, from the page's first load on (the request log covers every request).
    const served = agent.tk.logger.entries.slice(logged).filter((entry) => entry.msg === 'http request').map((entry) => String(entry.fields.path));
    expect(served).toContain('/api/sessions');
    expect(served.filter((pathname) => pathname.endsWith('/text'))).toEqual([]);
    expect(requests.filter((pathname) => pathname === '/api/sessions').length).toBeLessThanOrEqual(1);
    await agent.api('DELETE', `/api/sessions/${ticker.id}`);
    await list.context.close();
  });

  it('kills the session from its terminal and shows how it ended', async () => {
    const { page } = main;
    await page.click('.term-bar button.danger'); // Kill (the confirm dialog is accepted)
    await page.waitForSelector('.term-banner[data-kind=exit]:not([hidden])');
    const banner = await page.textContent('.term-banner');
    // bash ignores SIGTERM; the SIGHUP that follows ends it.
    expect(banner).toMatch(/^Process (ended by SIG(TERM|HUP|KILL)|exited with code \d+)/);
    const info = (await agent.api('GET', `/api/sessions/${sessionId}`)).body;
    expect(info.state).toBe('exited');
    expect(await page.textContent('.term-bar button.danger')).toBe('Remove');
    // Removing it closes the socket (4404) and goes back to the list.
    await page.click('.term-bar button.danger');
    await page.waitForSelector('.list-view');
    expect((await agent.api('GET', `/api/sessions/${sessionId}`)).status).toBe(404);
  });
});
