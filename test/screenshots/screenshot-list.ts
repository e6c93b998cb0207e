import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BASH, openPage, waitForAttached, waitForScreen, type TestPage, type WebAgent } from '../e2e/web-harness';

/** What a screenshot function gets: one real agent and Chromium shared by all of them. */
export interface ScreenshotContext {
  agent: WebAgent;
  browser: Browser;
  /** A directory of files to show (the files plugin's root): `project/` with a few entries. */
  root: string;
  /** A fresh page (closed after the function returns). */
  open(options?: Parameters<typeof openPage>[2]): Promise<TestPage>;
  /** Save the page (or what `selector` matches) as docs/screenshots/<file>. */
  shot(page: Page, file: string, selector?: string): Promise<void>;
}

/** One picture in docs/screenshots: a name and how to bring the page there. */
export interface Screenshot {
  /** File name in docs/screenshots, e.g. `session-list.png`. */
  file: string;
  capture(ctx: ScreenshotContext): Promise<void>;
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** A bash session (no rc files) that has already printed `script`'s output. */
async function shellWith(agent: WebAgent, name: string, script: string, cwd?: string): Promise<string> {
  const session = (await agent.api('POST', '/api/sessions', { command: BASH, name, ...(cwd ? { cwd } : {}) })).body;
  await agent.api('POST', `/api/sessions/${session.id}/input`, { text: `${script}\r` });
  return session.id as string;
}

/** Files the file-panel picture lists. */
export function seedFiles(root: string): void {
  mkdirSync(path.join(root, 'project', 'src'), { recursive: true });
  writeFileSync(path.join(root, 'project', 'report.txt'), 'REPORT\n');
  writeFileSync(path.join(root, 'project', 'README.md'), '# project\n');
}

/**
 * Every picture `npm run screenshots` refreshes, in order. Add a panel's pictures here (desktop
 * and phone size); the tests never write docs/screenshots.
 */
export const SCREENSHOTS: Screenshot[] = [
  {
    file: 'session-list.png',
    async capture({ agent, open, shot }) {
      const id = await shellWith(agent, 'build', 'printf "compiling %s\\n" core web cli; echo done-$((1+1))');
      const { page } = await open({ token: agent.token, viewport: DESKTOP });
      await page.waitForFunction((sid: string) => (globalThis as any).document.querySelector(`.session-card[data-session-id="${sid}"] .preview`)?.textContent.includes('done-2'), id);
      await shot(page, 'session-list.png');
    },
  },
  {
    file: 'terminal.png',
    async capture({ agent, open, shot }) {
      const id = await shellWith(agent, 'shell', "clear; ls -l --color=always /usr/share | head -24; printf '\\e[1;32mok\\e[0m \\e[33mscreen-%d\\e[0m\\n' $((40+2))");
      const { page } = await open({ token: agent.token, hash: `#/session/${encodeURIComponent(id)}`, viewport: DESKTOP });
      await waitForAttached(page);
      await waitForScreen(page, 'screen-42');
      await shot(page, 'terminal.png');
    },
  },
  {
    file: 'terminal-phone.png',
    async capture({ agent, open, shot }) {
      const id = await shellWith(agent, 'phone', 'echo key-bar-$((2+3))');
      const { page } = await open({ token: agent.token, hash: `#/session/${encodeURIComponent(id)}`, viewport: PHONE, phone: true });
      await waitForAttached(page);
      await page.waitForSelector('.keys-bar:not([hidden])');
      await waitForScreen(page, 'key-bar-5');
      await shot(page, 'terminal-phone.png');
    },
  },
  {
    file: 'file-panel.png',
    async capture({ agent, open, shot, root }) {
      const id = await shellWith(agent, 'files', 'ls', path.join(root, 'project'));
      const { page } = await open({ token: agent.token, hash: `#/session/${encodeURIComponent(id)}`, viewport: DESKTOP });
      await waitForAttached(page);
      await page.click('.term-bar button:has-text("Files")');
      await page.waitForSelector('.file-panel:not([hidden]) .file-row');
      await shot(page, 'file-panel.png');
    },
  },
  {
    file: 'settings.png',
    async capture({ agent, open, shot }) {
      await seedSettings(agent);
      const { page } = await open({ token: agent.token, hash: '#/settings', viewport: DESKTOP });
      await page.waitForSelector('.settings-view .quick-start-row');
      await shot(page, 'settings.png');
    },
  },
  {
    file: 'settings-phone.png',
    async capture({ agent, open, shot }) {
      await seedSettings(agent);
      const { page } = await open({ token: agent.token, hash: '#/settings', viewport: PHONE, phone: true });
      await page.waitForSelector('.settings-view .quick-start-row');
      await shot(page, 'settings-phone.png');
    },
  },
  {
    file: 'quick-start.png',
    async capture({ agent, open, shot }) {
      await seedSettings(agent);
      const { page } = await open({ token: agent.token, viewport: DESKTOP });
      await page.waitForSelector('.quick-start-button');
      await shot(page, 'quick-start.png');
    },
  },
];

/** Quick-start commands and defaults worth showing. */
async function seedSettings(agent: WebAgent): Promise<void> {
  await agent.api('PATCH', '/api/settings', {
    sessions: {
      quickStart: [{ name: 'htop', command: ['htop'] }, { name: 'logs', command: ['journalctl', '-f'] }, { name: 'project shell', command: ['bash'], cwd: '~/project' }],
      cwd: '~/',
    },
    power: { policy: 'while-sessions' },
  });
}
