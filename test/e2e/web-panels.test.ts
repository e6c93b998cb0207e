import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import tunnelCloudflare from '../../plugins/tunnel-cloudflare/src';
import { fakeBin, type FakeBin } from '../capabilities/support/fake-bin';
import { BASH, launchChromium, openPage, startWebAgent, waitForAttached, type TestPage, type WebAgent } from './web-harness';

/** The QR code in `selector` as the browser drew it, decoded from a screenshot (jsQR). */
async function decodeQr(page: Page, selector: string): Promise<string | null> {
  const png = PNG.sync.read(await page.locator(selector).screenshot());
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
}

/** The text of the `selector` elements, in order. */
function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allTextContents();
}

/**
 * The agent's panels in real headless Chromium against the real agent: remote access with the
 * fake cloudflared on PATH, power, monitoring, sharing, tokens, plugins, and what a viewer sees.
 * One agent and one browser for the file; each test opens its own context.
 */
describe('web panels (Chromium, real agent)', () => {
  let agent: WebAgent;
  let browser: Browser;
  let bin: FakeBin;
  const savedPath = process.env.PATH;
  const pages: TestPage[] = [];

  beforeAll(async () => {
    // The real platform finds cloudflared on PATH: the fake one, which prints a quick-tunnel URL.
    bin = fakeBin({ cloudflared: { FAKE_CLOUDFLARED_NAME: 'panel-test' } });
    process.env.PATH = `${bin.dir}:${savedPath}`;
    [agent, browser] = await Promise.all([
      startWebAgent({ plugins: { 'monitor-api': { options: { intervalMs: 1000 } } } }, [tunnelCloudflare]),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    process.env.PATH = savedPath;
    bin?.cleanup();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      expect(page.problems).toEqual([]);
      await page.context.close();
    }
  });

  async function open(options: Parameters<typeof openPage>[2] = {}): Promise<TestPage> {
    const page = await openPage(browser, agent, { token: agent.token, ...options });
    page.page.setDefaultTimeout(10_000); // a missing element fails the step, well inside the test's time
    pages.push(page);
    return page;
  }

  async function viewerToken(): Promise<string> {
    return (await agent.api('POST', '/api/tokens', { name: `viewer ${Date.now()}`, role: 'viewer' })).body.token;
  }

  it('an admin sees every section in the nav; the links work from the keyboard', async () => {
    const { page } = await open();
    await page.waitForSelector('.list-view .app-nav');
    expect(await texts(page, '.app-nav a')).toEqual(['Sessions', 'Remote access', 'Power', 'Monitoring', 'Sharing', 'Tokens', 'Plugins', 'Settings']);
    expect(await page.getAttribute('.app-nav a[data-nav=list]', 'aria-current')).toBe('page');
    await page.focus('.app-nav a[data-nav=power]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.panel-view[data-panel=power]');
    expect(page.url()).toMatch(/#\/power$/);
    expect(await page.getAttribute('.app-nav a[data-nav=power]', 'aria-current')).toBe('page');
    expect(await page.title()).toBe('Power · TunnelForge');
  });

  it('remote access: starts the tunnel, shows its URL and a QR code that scans to it, a second page follows live, stops it', async () => {
    const { page } = await open({ hash: '#/remote' });
    const card = '.tunnel-list [data-tunnel=cloudflare]';
    await page.waitForSelector(`${card}[data-state=down]`);
    const watcher = await open({ hash: '#/remote' });
    await watcher.page.waitForSelector(`${card}[data-state=down]`);
    await watcher.page.waitForSelector('.panel-view .badge.state[data-state=attached]'); // its event stream is live
    await page.click(`${card} button:has-text("Start")`);
    await page.waitForSelector(`${card} .public-url`, { timeout: 15_000 });
    const url = await page.getAttribute(`${card} .public-url`, 'href');
    expect(url).toBe('https://panel-test.trycloudflare.com');
    expect((await agent.api('GET', '/api/tunnels')).body.tunnels.find((t: { id: string }) => t.id === 'cloudflare').publicUrl).toBe(url);
    expect(await page.getAttribute(`${card} svg.qr`, 'data-text')).toBe(url);
    expect(await decodeQr(page, `${card} .qr-box`)).toBe(url);
    expect(await page.textContent(`${card} .badge`)).toBe('up');
    // The other page never asked: tunnel.status events brought the URL.
    await watcher.page.waitForSelector(`${card} .public-url[href="${url}"]`);
    await page.click(`${card} button:has-text("Stop")`);
    await page.waitForSelector(`${card}[data-state=down]`);
    await watcher.page.waitForSelector(`${card}[data-state=down]`);
    expect(await page.locator(`${card} .public-url`).count()).toBe(0);
  });

  it('remote access: a tunnel that fails to start says why, in the provider\'s words, and leaves Start usable', async () => {
    const { page } = await open({ hash: '#/remote' });
    const card = '.tunnel-list [data-tunnel=cloudflare]';
    await page.waitForSelector(`${card}[data-state=down]`);
    process.env.FAKE_CLOUDFLARED_MODE = 'fail'; // the fake prints cloudflared's ERR line and exits 1
    try {
      await page.click(`${card} button:has-text("Start")`);
      await page.waitForSelector(`${card} .form-error:not([hidden])`, { timeout: 15_000 });
    } finally {
      delete process.env.FAKE_CLOUDFLARED_MODE;
    }
    const error = await page.textContent(`${card} .form-error`);
    expect(error).toMatch(/failed to request quick Tunnel|exited/);
    expect(await page.locator(`${card} .public-url`).count()).toBe(0);
    expect(await page.isVisible(`${card} button:has-text("Start")`)).toBe(true);
    expect(await page.isEnabled(`${card} button:has-text("Start")`)).toBe(true);
  });

  it('power: the manual hold with a reason, on and off; a second page follows through power.changed', async () => {
    const { page } = await open({ hash: '#/power' });
    await page.waitForSelector('.facts dd');
    const watcher = await open({ hash: '#/power' });
    await watcher.page.waitForSelector('.panel-view .badge.state[data-state=attached]');
    const manual = (p: Page) => p.locator('.facts dt:has-text("Manual hold") + dd').textContent();
    expect(await manual(page)).toBe('off');
    await page.fill('input[name=reason]', 'long build running');
    await page.click('form[aria-label="Manual hold"] button[type=submit]');
    await page.waitForSelector('form[aria-label="Manual hold"] button[aria-pressed=true]');
    expect(await manual(page)).toBe('on');
    expect((await agent.api('GET', '/api/power')).body.manual).toBe(true);
    expect((await texts(page, '.reasons li')).join('\n')).toContain('long build running');
    await watcher.page.waitForFunction(() => (globalThis as any).document.querySelector('form[aria-label="Manual hold"] button')?.getAttribute('aria-pressed') === 'true');
    await page.click('form[aria-label="Manual hold"] button[type=submit]');
    await page.waitForSelector('form[aria-label="Manual hold"] button[aria-pressed=false]');
    expect((await agent.api('GET', '/api/power')).body.manual).toBe(false);
    expect(await manual(page)).toBe('off');
  });

  it('monitoring: the charts grow with each sample, sessions show their CPU and memory, /metrics opens with the page credential', async () => {
    const created = await agent.api('POST', '/api/sessions', { command: BASH, name: 'busy one' });
    const { page } = await open({ hash: '#/monitor' });
    await page.waitForSelector('.chart[data-chart=cpu] svg[data-points]');
    const points = () => page.evaluate(() => Number((globalThis as any).document.querySelector('.chart[data-chart=cpu] svg').dataset.points));
    const before = await points();
    await page.waitForFunction((n: number) => Number((globalThis as any).document.querySelector('.chart[data-chart=cpu] svg').dataset.points) >= n + 2, before, { timeout: 10_000 });
    expect(await page.getAttribute('.chart[data-chart=cpu] polyline', 'points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+)+$/);
    expect(await page.textContent('[data-chart-value=memory]')).toMatch(/iB of .*iB/);
    await page.waitForSelector(`.session-usage-table tr[data-session-id="${created.body.id}"]`);
    await page.click('button:has-text("Show /metrics")');
    await page.waitForSelector('.metrics-text:not([hidden])');
    expect(await page.textContent('.metrics-text')).toContain('tunnelforge_host_cpu_load_percent');
    // The session list shows the same numbers on the card.
    await page.click('.app-nav a[data-nav=list]');
    await page.waitForSelector(`.session-card[data-session-id="${created.body.id}"] .session-usage`, { timeout: 10_000 });
    expect(await page.textContent(`.session-card[data-session-id="${created.body.id}"] .session-usage`)).toMatch(/^CPU (–|\d+ %) · [\d.]+ (B|KiB|MiB|GiB) · \d+ process/);
    await agent.api('DELETE', `/api/sessions/${created.body.id}`);
  });

  it('sharing: a double-clicked Create makes one link; it is copied, opens read-only in another context, and Revoke ends it', async () => {
    const created = await agent.api('POST', '/api/sessions', { command: BASH, name: 'shared shell' });
    const id = created.body.id as string;
    const { page, context } = await open({ hash: `#/session/${id}` });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: agent.url });
    await waitForAttached(page);
    await page.click('.term-bar button.share');
    await page.waitForSelector('dialog.share-dialog[open]');
    await page.selectOption('select[name=expires]', '15');
    await page.dblclick('form[aria-label="New share link"] button[type=submit]');
    await page.waitForSelector('.share-result:not([hidden]) input.share-url');
    const url = await page.inputValue('input.share-url');
    expect(url).toMatch(new RegExp(`^${agent.url}/#share=`));
    const shares = (await agent.api('GET', `/api/shares?sessionId=${id}`)).body.shares as Array<{ id: string; expiresAt: string }>;
    expect(shares).toHaveLength(1); // the double click made one link
    expect(Date.parse(shares[0].expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    await page.click('button.copy-share');
    await page.waitForSelector('.share-result [role=status]:has-text("Copied.")');
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(url);

    // The link in a fresh context: that session, read-only, no way back to the list or the panels.
    const guestContext = await browser.newContext({ viewport: { width: 1100, height: 680 } });
    const guest = await guestContext.newPage();
    const guestProblems: string[] = [];
    guest.on('pageerror', (error) => guestProblems.push(error.message));
    await guest.goto(url);
    await waitForAttached(guest);
    expect(await guest.isVisible('.term-bar .badge.read-only')).toBe(true);
    expect(await guest.locator('.term-bar button.share, .term-bar button.back, .app-nav').count()).toBe(0);

    // Revoke from the Sharing panel: the row goes, the link stops working, its page is told.
    await page.keyboard.press('Escape');
    await page.goto(`${agent.url}/#/sharing`);
    await page.waitForSelector(`.share-list [data-share-id="${shares[0].id}"]`);
    expect(await page.textContent(`.share-list [data-share-id="${shares[0].id}"] strong`)).toBe('shared shell');
    await page.click(`.share-list [data-share-id="${shares[0].id}"] button:has-text("Revoke")`);
    await page.waitForSelector(`.share-list [data-share-id="${shares[0].id}"]`, { state: 'detached' });
    expect((await agent.api('GET', `/api/shares?sessionId=${id}`)).body.shares).toEqual([]);
    await guest.waitForSelector('.login-view', { timeout: 15_000 });
    expect(await guest.textContent('.login-view')).toContain('The share link has expired or was revoked.');
    expect(guestProblems).toEqual([]);
    await guestContext.close();
    await agent.api('DELETE', `/api/sessions/${id}`);
  });

  it('tokens: bad input is refused before sending or with the agent\'s words; a double click makes one token, shown once; revoke', async () => {
    const { page, context } = await open({ hash: '#/tokens' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: agent.url });
    await page.waitForSelector('form[aria-label="New API token"]');
    const form = 'form[aria-label="New API token"]';
    const requests: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/tokens')) requests.push(request.url());
    });
    await page.fill(`${form} input[name=name]`, 'ci box');
    await page.fill(`${form} input[name=expiresIn]`, 'forever');
    await page.click(`${form} button[type=submit]`);
    expect(await page.textContent(`${form} .form-error`)).toContain('a number and m, h, d or w');
    expect(requests).toEqual([]); // refused in the page
    await page.fill(`${form} input[name=expiresIn]`, '0m'); // looks right, the agent refuses it
    await page.click(`${form} button[type=submit]`);
    await page.waitForFunction(() => ((globalThis as any).document.querySelector('form[aria-label="New API token"] .form-error')?.textContent ?? '').includes('expiresIn must look like'));
    expect(requests).toHaveLength(1);

    await page.fill(`${form} input[name=expiresIn]`, '30d');
    await page.selectOption(`${form} select[name=role]`, 'viewer');
    await page.dblclick(`${form} button[type=submit]`);
    await page.waitForSelector('.created-token:not([hidden]) input.token-secret');
    const secret = await page.inputValue('input.token-secret');
    expect(secret).toMatch(/^tft_/);
    const listed = ((await agent.api('GET', '/api/tokens')).body.tokens as Array<{ id: string; name: string; role: string }>).filter((t) => t.name === 'ci box');
    expect(listed).toHaveLength(1);
    expect(listed[0].role).toBe('viewer');
    expect((await agent.api('GET', '/api/auth/me', undefined, secret)).body.role).toBe('viewer');
    await page.click('button.copy-token');
    expect(await page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(secret);
    await page.waitForSelector(`.token-list [data-token-id="${listed[0].id}"]`);
    expect(await page.textContent('.token-list')).not.toContain(secret);

    await page.click(`.token-list [data-token-id="${listed[0].id}"] button:has-text("Revoke")`);
    await page.waitForSelector(`.token-list [data-token-id="${listed[0].id}"]`, { state: 'detached' });
    expect((await agent.api('GET', '/api/auth/me', undefined, secret)).status).toBe(401);
  });

  it('plugins: every plugin with its state and reason, as plugins ls shows them', async () => {
    const { page } = await open({ hash: '#/plugins' });
    await page.waitForSelector('.plugin-table tbody tr');
    const report = (await agent.api('GET', '/api/plugins')).body as Array<{ id: string; state: string; reason: string | null }>;
    expect(await page.locator('.plugin-table tbody tr').count()).toBe(report.length);
    expect(await page.getAttribute('.plugin-table tr[data-plugin=tunnel-cloudflare]', 'data-state')).toBe('active');
    const skipped = report.find((p) => p.state === 'skipped' && p.reason);
    expect(skipped).toBeDefined();
    expect(await page.textContent(`.plugin-table tr[data-plugin="${skipped!.id}"] td.reason`)).toBe(skipped!.reason);
  });

  it('a viewer sees no control it cannot use: fewer sections, no start/stop, no hold, no share, no admin pages', async () => {
    const token = await viewerToken();
    const session = await agent.api('POST', '/api/sessions', { command: BASH, name: 'watched' });
    const { page } = await open({ token });
    await page.waitForSelector('.list-view .app-nav');
    expect(await texts(page, '.app-nav a')).toEqual(['Sessions', 'Remote access', 'Power', 'Monitoring']);
    expect(await page.locator('form.create-form').count()).toBe(0);
    await page.click('.app-nav a[data-nav=remote]');
    await page.waitForSelector('.tunnel-list [data-tunnel=cloudflare]');
    expect(await page.locator('.tunnel-list button').count()).toBe(0);
    await page.click('.app-nav a[data-nav=power]');
    await page.waitForSelector('.facts dd');
    expect(await page.locator('.panel form, .panel button').count()).toBe(0);
    await page.click('.app-nav a[data-nav=monitor]');
    await page.waitForSelector('.chart[data-chart=cpu]');
    for (const hash of ['#/tokens', '#/plugins', '#/sharing']) {
      await page.evaluate((h: string) => { (globalThis as any).location.hash = h; }, hash);
      await page.waitForFunction(() => (globalThis as any).location.hash === '#/'); // not this role's section: back to the list
      await page.waitForSelector('.list-view');
    }
    await page.evaluate((id: string) => { (globalThis as any).location.hash = `#/session/${id}`; }, session.body.id);
    await waitForAttached(page);
    expect(await page.locator('.term-bar button.share').count()).toBe(0);
    await agent.api('DELETE', `/api/sessions/${session.body.id}`);
  });

  it('an event stream that fails reconnects and refreshes what changed meanwhile', async () => {
    const { context } = await open();
    // Every /api/events request of this context fails (connection reset) until `blocked` is cleared.
    let blocked = true;
    let refused = 0;
    await context.route('**/api/events', (route) => {
      if (!blocked) return route.continue();
      refused++;
      return route.abort('connectionreset');
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${agent.url}/#/power`);
    await page.waitForSelector('.panel-view .badge.state[data-state=reconnecting]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.facts')?.textContent.includes('Manual holdoff'));
    await agent.api('POST', '/api/power', { hold: true, reason: 'changed while the stream was down' }); // its event cannot arrive
    await page.waitForTimeout(300);
    expect(await page.locator('.facts dt:has-text("Manual hold") + dd').textContent()).toBe('off');
    blocked = false;
    await page.waitForSelector('.panel-view .badge.state[data-state=attached]', { timeout: 20_000 });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.facts')?.textContent.includes('Manual holdon'));
    expect(refused).toBeGreaterThanOrEqual(1);
    await agent.api('POST', '/api/power', { hold: false });
  });

  it('usable at phone size (390×844): no panel makes the page scroll sideways', async () => {
    const { page } = await open({ viewport: { width: 390, height: 844 }, phone: true });
    for (const panel of ['remote', 'power', 'monitor', 'sharing', 'tokens', 'plugins']) {
      await page.evaluate((h: string) => { (globalThis as any).location.hash = h; }, `#/${panel}`);
      await page.waitForSelector(`.panel-view[data-panel=${panel}]`);
      const width = await page.evaluate(() => {
        const g = globalThis as any;
        return { page: g.document.documentElement.scrollWidth, view: g.innerWidth };
      });
      expect({ panel, ...width }).toEqual({ panel, page: width.view, view: width.view });
    }
  });
});
