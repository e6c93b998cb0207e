import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { shellQuote } from '../../src/plugins/files/shell-quote';
import { makeSandbox, type Sandbox } from '../files/files-harness';
import { BASH, launchChromium, openPage, startWebAgent, waitForAttached, waitForScreen, type TestPage, type WebAgent } from './web-harness';

/** Wait until the terminal shows `text` on one logical line (rows the terminal wrapped are joined again). */
async function waitForLogical(page: Page, text: string, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction((needle: string) => {
    const terminal = (globalThis as any).__tf?.terminal?.terminal;
    if (!terminal) return false;
    const buffer = terminal.buffer.active;
    let logical = '';
    for (let y = 0; y < buffer.length; y++) {
      const line = buffer.getLine(y);
      logical += (line.isWrapped ? '' : '\n') + line.translateToString(!buffer.getLine(y + 1)?.isWrapped);
    }
    return logical.includes(needle);
  }, text, { timeout: timeoutMs, polling: 20 });
}

/**
 * Files in the web client, in real headless Chromium against the real agent: a file dropped on the
 * terminal (and an image pasted) is uploaded and its quoted path typed into the PTY; progress for a
 * large one; a failure said in words; the cwd picker completes directories; the file panel lists
 * the session's directory and downloads a file.
 */
describe('web client files (Chromium, real agent)', () => {
  let agent: WebAgent;
  let browser: Browser;
  let box: Sandbox;
  let main: TestPage;
  let sessionId = '';
  const MiB = 1024 * 1024;

  beforeAll(async () => {
    box = makeSandbox('tf-web-files-');
    mkdirSync(path.join(box.root, 'project', 'src'), { recursive: true });
    mkdirSync(path.join(box.root, 'projects-old'));
    writeFileSync(path.join(box.root, 'project', 'report.txt'), 'REPORT-CONTENT-42');
    [agent, browser] = await Promise.all([startWebAgent({ plugins: { files: { options: { roots: [box.root], maxUploadBytes: 8 * MiB } } } }), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    box?.cleanup();
  });
  afterEach(() => {
    if (main) expect(main.problems).toEqual([]);
  });

  /** The paths the agent stored for this session, newest last (from its files.uploaded events). */
  const uploadedPaths = () => agent.tk.events.filter((e) => e.type === 'files.uploaded' && (e.data as { sessionId: string }).sessionId === sessionId).map((e) => (e.data as { path: string }).path);

  it('completes the working directory in the new-session form and creates the session there', async () => {
    main = await openPage(browser, agent, { token: agent.token });
    const { page } = main;
    await page.waitForSelector('.create-form');
    await page.fill('.create-form input[name=command]', BASH.join(' '));
    await page.click('.create-form input[name=cwd]');
    await page.keyboard.type(`${box.root}/proj`);
    // Two directories match: the datalist offers both; Tab completes what they share.
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.create-form datalist option').length === 2);
    const offered = await page.$$eval('.create-form datalist option', (options) => options.map((o) => (o as any).value));
    expect(offered).toEqual([`${box.root}/project/`, `${box.root}/projects-old/`]);
    await page.keyboard.press('Tab');
    expect(await page.inputValue('.create-form input[name=cwd]')).toBe(`${box.root}/project`);
    await page.keyboard.type('/');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.create-form datalist option').length === 1);
    await page.keyboard.press('Tab');
    expect(await page.inputValue('.create-form input[name=cwd]')).toBe(`${box.root}/project/src/`);
    // Outside the roots, the field says why there is nothing to offer.
    await page.fill('.create-form input[name=cwd]', '/etc/');
    await page.waitForSelector('.picker-hint:has-text("outside the configured roots")');
    await page.fill('.create-form input[name=cwd]', `${box.root}/project`);
    await page.click('.create-form button[type=submit]');
    await page.waitForFunction(() => /^#\/session\//.test((globalThis as any).location.hash));
    sessionId = decodeURIComponent(await page.evaluate(() => (globalThis as any).location.hash.slice('#/session/'.length)));
    expect((await agent.api('GET', `/api/sessions/${sessionId}`)).body.cwd).toBe(path.join(box.root, 'project'));
    await waitForAttached(page);
  });

  it('drops a file on the terminal: uploaded, and its quoted path typed into the PTY', async () => {
    const { page } = main;
    await page.click('.term-viewport');
    await page.keyboard.type('cat ');
    await page.evaluate(() => {
      const g = globalThis as any;
      const transfer = new g.DataTransfer();
      transfer.items.add(new g.File(['DROPPED-VIA-BROWSER\n'], "my dropped file's.txt", { type: 'text/plain' }));
      const target = g.document.querySelector('.term-viewport');
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new g.DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.toast')?.textContent.includes('its path is at the prompt'));
    const [stored] = uploadedPaths();
    expect(path.basename(stored)).toBe("my dropped file's.txt");
    expect(readFileSync(stored, 'utf8')).toBe('DROPPED-VIA-BROWSER\n');
    // The PTY got the quoted path: bash echoes the line as typed, and running it prints the file.
    await waitForLogical(page, `cat ${shellQuote(stored)}`);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'DROPPED-VIA-BROWSER');
  });

  it('pastes an image from the clipboard: uploaded as a dated PNG, its path typed', async () => {
    const { page } = main;
    await page.keyboard.type('file ');
    await page.evaluate(() => {
      const g = globalThis as any;
      const png = Uint8Array.from(g.atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c: string) => c.charCodeAt(0));
      const transfer = new g.DataTransfer();
      transfer.items.add(new g.File([png], 'image.png', { type: 'image/png' }));
      g.document.querySelector('.term-viewport textarea').dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    });
    await waitForLogical(page, '.png');
    const stored = uploadedPaths().at(-1)!;
    expect(path.basename(stored)).toMatch(/^pasted-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.png$/);
    await waitForLogical(page, `file ${shellQuote(stored)}`);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'PNG image data, 1 x 1');
  });

  it('shows progress for a large upload, and says in words why one failed', async () => {
    const { page } = main;
    await page.evaluate(() => {
      const g = globalThis as any;
      g.__progressTexts = [];
      new g.MutationObserver(() => {
        const element = g.document.querySelector('.upload-progress');
        if (element && !element.hidden) g.__progressTexts.push(element.textContent);
      }).observe(g.document.querySelector('.upload-progress'), { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const drop = (name: string, size: number) =>
      page.evaluate(([fileName, bytes]) => {
        const g = globalThis as any;
        const transfer = new g.DataTransfer();
        transfer.items.add(new g.File([new Uint8Array(bytes as number).fill(65)], fileName, { type: 'application/octet-stream' }));
        g.document.querySelector('.term-viewport').dispatchEvent(new g.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, [name, size] as const);
    await drop('big.bin', 6 * MiB);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.toast')?.textContent.includes('Uploaded big.bin'));
    const texts: string[] = await page.evaluate(() => (globalThis as any).__progressTexts);
    expect(texts.some((text) => /^Uploading big\.bin: \d+% \(.* of 6\.0 MiB\)$/.test(text))).toBe(true);
    expect(await page.isVisible('.upload-progress')).toBe(false);
    expect(readFileSync(uploadedPaths().at(-1)!).length).toBe(6 * MiB);

    await drop('too-big.bin', 9 * MiB);
    await page.waitForSelector('.term-banner:not([hidden])');
    const banner = await page.textContent('.term-banner');
    expect(banner).toMatch(/^Upload of too-big\.bin failed: /);
    expect(banner).toContain('exceeds the 8.0 MiB (8388608 bytes) this route accepts');
    await page.keyboard.press('Control+U'); // clear the typed paths from the prompt
  });

  it('lists the session directory in the file panel and downloads a file', async () => {
    const { page } = main;
    await page.click('.term-bar button:has-text("Files")');
    await page.waitForSelector('.file-panel:not([hidden]) .file-row');
    expect(await page.textContent('.file-path')).toBe(path.join(box.root, 'project'));
    const names = await page.$$eval('.file-row .file-name', (els) => els.map((el) => el.textContent));
    expect(names).toEqual(['src/', 'report.txt']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.file-row:has-text("report.txt") .file-download')]);
    expect(download.suggestedFilename()).toBe('report.txt');
    // A browser download of a single-use link (streamed to disk), not a blob the page held.
    expect(download.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/files\/fetch\?ticket=[\w-]{43}$/);
    expect(readFileSync((await download.path())!, 'utf8')).toBe('REPORT-CONTENT-42');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.file-status').textContent.startsWith('report.txt: downloading'));
    // Into a subdirectory and back up.
    await page.click('.file-row button:has-text("src/")');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.file-path').textContent.endsWith('/src'));
    expect(await page.textContent('.file-status')).toContain('empty');
    await page.click('.file-bar button[title="Parent directory"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.file-path').textContent.endsWith('/project'));
  });
});
