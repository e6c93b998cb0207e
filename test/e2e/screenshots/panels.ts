import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { BASH, openPage, type WebAgent } from '../web-harness';

/** The panels and what to wait for before each picture. */
const PANELS: Array<{ name: string; ready: string }> = [
  { name: 'remote', ready: '.tunnel-list .qr-box svg' },
  { name: 'power', ready: '.facts dd' },
  { name: 'monitor', ready: '.chart[data-chart=cpu] svg[data-points="8"]' },
  { name: 'sharing', ready: '.share-list [data-share-id]' },
  { name: 'tokens', ready: '.token-list [data-token-id]' },
  { name: 'plugins', ready: '.plugin-table tbody tr' },
];

const SIZES = [
  { suffix: '', viewport: { width: 1280, height: 800 }, phone: false },
  { suffix: '-phone', viewport: { width: 390, height: 844 }, phone: true },
];

/**
 * Screenshots of every agent panel at desktop (1280×800) and phone (390×844) size into `outDir`
 * (`panel-<name>.png`, `panel-<name>-phone.png`) and of the share dialog. Taken on request, not by
 * the tests: an agent with a tunnel provider (the fake cloudflared on PATH will do) and a monitor
 * sampling every second gives every panel something to show. Returns the files written.
 */
export async function capturePanelScreenshots(browser: Browser, agent: WebAgent, outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  // Something to look at: two sessions, a running tunnel, a manual hold, a share link, a token.
  const build = (await agent.api('POST', '/api/sessions', { command: BASH, name: 'build' })).body;
  await agent.api('POST', '/api/sessions', { command: ['bash', '--norc', '--noprofile', '-c', 'top -b -d 1'], name: 'top' });
  await agent.api('POST', '/api/tunnels/cloudflare/start');
  await agent.api('POST', '/api/power', { hold: true, reason: 'release build running' });
  await agent.api('POST', `/api/sessions/${build.id}/share`, { expiresInMinutes: 60 });
  await agent.api('POST', '/api/tokens', { name: 'CI on build-box', role: 'writer', expiresIn: '30d' });
  for (const size of SIZES) {
    const { page, context } = await openPage(browser, agent, { token: agent.token, viewport: size.viewport, phone: size.phone });
    for (const panel of PANELS) {
      await page.evaluate((hash: string) => { (globalThis as any).location.hash = hash; }, `#/${panel.name}`);
      await page.waitForSelector(panel.ready, { timeout: 15_000 });
      const file = path.join(outDir, `panel-${panel.name}${size.suffix}.png`);
      await page.screenshot({ path: file });
      written.push(file);
    }
    await page.evaluate((hash: string) => { (globalThis as any).location.hash = hash; }, `#/session/${build.id}`);
    await page.click('.term-bar button.share');
    await page.click('form[aria-label="New share link"] button[type=submit]');
    await page.waitForSelector('input.share-url');
    const file = path.join(outDir, `share-dialog${size.suffix}.png`);
    await page.screenshot({ path: file });
    written.push(file);
    await context.close();
  }
  await agent.api('POST', '/api/power', { hold: false });
  await agent.api('POST', '/api/tunnels/cloudflare/stop');
  return written;
}
