import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, startWebAgent, waitForAttached, waitForScreen, type TestPage, type WebAgent } from './web-harness';

/**
 * The settings page and the quick-start buttons in real headless Chromium against the real agent:
 * change a quick-start command on the page and use it from the list; a form refused by the page
 * and one refused by the server, each said in words; what writers and viewers see.
 */
describe('web settings and quick start (Chromium, real agent)', () => {
  let agent: WebAgent;
  let browser: Browser;
  let dir: string;
  const pages: TestPage[] = [];

  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'tf-quick-start-')));
    agent = await startWebAgent();
    browser = await launchChromium();
  }, 120_000); // a fresh build of the page and a browser start, on a loaded machine
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    for (const page of pages) expect(page.problems).toEqual([]);
  });

  async function open(options: Parameters<typeof openPage>[2] = {}): Promise<TestPage> {
    const page = await openPage(browser, agent, options);
    pages.push(page);
    return page;
  }

  async function tokenFor(role: 'writer' | 'viewer'): Promise<string> {
    const created = await agent.api('POST', '/api/tokens', { name: `e2e ${role}`, role });
    expect(created.status).toBe(201);
    return created.body.token as string;
  }

  it('changes a quick-start command on the settings page, and the list button starts it', async () => {
    await agent.api('PATCH', '/api/settings', { sessions: { quickStart: [{ name: 'probe', command: ['sleep', '600'] }] } });
    const { page } = await open({ token: agent.token, viewport: { width: 1280, height: 800 } });
    await page.waitForSelector('.quick-start-button:has-text("probe")');
    await page.click('.app-nav a[data-nav=settings]');
    await page.waitForSelector('.settings-view .quick-start-row');
    expect(await page.textContent('.restart-note')).toContain('needs a restart');
    expect(await page.inputValue('.quick-start-row input[name=quick-command]')).toBe('sleep 600');

    await page.fill('.quick-start-row input[name=quick-command]', "bash --norc --noprofile -c 'echo quick-$((6*7)) in $PWD; exec cat'");
    await page.fill('.quick-start-row input[name=quick-cwd]', dir);
    await page.click('.settings-form button[type=submit]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.form-status')?.textContent.startsWith('Saved'));
    const stored = (await agent.api('GET', '/api/settings')).body.settings.sessions.quickStart;
    expect(stored).toEqual([{ name: 'probe', command: ['bash', '--norc', '--noprofile', '-c', 'echo quick-$((6*7)) in $PWD; exec cat'], cwd: dir }]);

    await page.click('.top-bar button:has-text("Sessions")');
    await page.click('.quick-start-button:has-text("probe")');
    await page.waitForFunction(() => /^#\/session\//.test((globalThis as any).location.hash));
    await waitForAttached(page);
    await waitForScreen(page, `quick-42 in ${dir}`);
    const sessions = (await agent.api('GET', '/api/sessions')).body.sessions as Array<{ name: string; cwd: string; command: string[] }>;
    expect(sessions.filter((s) => s.name === 'probe')).toEqual([expect.objectContaining({ cwd: dir, command: [expect.stringMatching(/\/bash$/), '--norc', '--noprofile', '-c', expect.any(String)] })]);
  });

  it('checks the form before sending, and shows the server\'s refusal in its words', async () => {
    const before = (await agent.api('GET', '/api/settings')).body.settings;
    const { page } = await open({ token: agent.token, hash: '#/settings' });
    await page.waitForSelector('.settings-view .quick-start-row');
    await page.click('button.add-quick-start');
    await page.fill('.quick-start-row:last-child input[name=quick-name]', 'empty');
    await page.click('.settings-form button[type=submit]');
    await page.waitForSelector('.form-status.form-error');
    expect(await page.textContent('.form-status')).toBe('Quick-start command 2 (empty): enter a command');

    await page.fill('.quick-start-row:last-child input[name=quick-command]', 'htop');
    await page.fill('input[name=cols]', '5000');
    await page.click('.settings-form button[type=submit]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.form-status')?.textContent.includes('Columns must be a whole number from 1 to 1000'));

    // The page accepts any name length; the server does not: its message is shown as is.
    await page.fill('input[name=cols]', '');
    await page.fill('.quick-start-row:last-child input[name=quick-name]', 'n'.repeat(101));
    await page.click('.settings-form button[type=submit]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.form-status')?.textContent.startsWith('Not saved: sessions.quickStart.1.name'));
    expect((await agent.api('GET', '/api/settings')).body.settings).toEqual(before);
  });

  it('shows writers the quick-start buttons but no settings link, and viewers neither', async () => {
    const writer = await open({ token: await tokenFor('writer') });
    await writer.page.waitForSelector('.quick-start-button:has-text("probe")');
    await writer.page.waitForSelector('.app-nav a[data-nav=sharing]'); // the nav is there, without Settings
    expect(await writer.page.$('.app-nav a[data-nav=settings]')).toBeNull();
    const viewer = await open({ token: await tokenFor('viewer') });
    await viewer.page.waitForSelector('.session-list .session-card');
    expect(await viewer.page.$('.quick-start')).toBeNull();
    expect(await viewer.page.$('.app-nav a[data-nav=settings]')).toBeNull();
  });
});
