import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, startWebAgent, type TestPage, type WebAgent } from '../e2e/web-harness';
import { SCREENSHOTS, seedFiles, type ScreenshotContext } from './screenshot-list';

// `npm run screenshots` (jest -c jest.screenshots.config.js): rewrites docs/screenshots from
// SCREENSHOTS against a real agent in Chromium. `TF_SCREENSHOTS=a.png,b.png` refreshes only those.
const DIR = path.resolve(__dirname, '../../docs/screenshots');
const only = (process.env.TF_SCREENSHOTS ?? '').split(',').map((name) => name.trim()).filter(Boolean);

describe('docs/screenshots', () => {
  let agent: WebAgent;
  let browser: Browser;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tf-screenshots-'));
    seedFiles(root);
    mkdirSync(DIR, { recursive: true });
    agent = await startWebAgent({ plugins: { files: { options: { roots: [root] } } } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  for (const screenshot of SCREENSHOTS.filter((s) => only.length === 0 || only.includes(s.file))) {
    test(screenshot.file, async () => {
      const pages: TestPage[] = [];
      const ctx: ScreenshotContext = {
        agent, browser, root,
        open: async (options) => {
          const page = await openPage(browser, agent, options);
          pages.push(page);
          return page;
        },
        shot: async (page, file, selector) => {
          const target = path.join(DIR, file);
          if (selector) await page.locator(selector).screenshot({ path: target });
          else await page.screenshot({ path: target });
        },
      };
      try {
        await screenshot.capture(ctx);
        for (const page of pages) expect(page.problems).toEqual([]);
      } finally {
        for (const page of pages) await page.context.close();
      }
    });
  }
});
