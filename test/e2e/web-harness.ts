import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { builtinPlugins } from '../../src/agent/builtin-plugins';
import type { AgentConfigInput } from '../../src/kernel/config/agent-config-schema';
import type { PluginDefinition } from '../../src/plugin-api';
import { hashPassword } from '../../src/plugins/auth-password/password-hash';
import { startTestKernel, type TestKernel } from '../../src/testkit';
import { callJson } from '../support/call-json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildWeb } = require('../../scripts/build-web.js') as { buildWeb(options: { outDir: string; quiet?: boolean; minify?: boolean }): Promise<{ outDir: string }> };

export const CHROMIUM = process.env.TF_CHROMIUM ?? '/usr/bin/chromium';
/** What a browser test says when there is no Chromium (README, "Run the tests"). */
export const CHROMIUM_HINT = `Chromium not found at ${CHROMIUM}: the browser tests need it. Install it from the OS packages with \`apt-get install -y chromium\` (Debian/Ubuntu), or set TF_CHROMIUM to a Chromium binary.`;

/**
 * Throw (synchronously) when Chromium is missing. Called before anything is started: a test file
 * that started its agent next to a browser launch that failed would leave the agent's server
 * listening, and jest would never exit.
 */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(CHROMIUM_HINT);
}
/** A shell with no startup files: a predictable prompt. */
export const BASH = ['bash', '--norc', '--noprofile'];

/** The password user every test agent has (admin), logging in through the page's form. */
export const USER = { username: 'alice', password: 'correct horse battery staple' };
let userHash: Promise<string> | null = null;

/** Agents and browsers this test file started and has not stopped yet. */
const live = { agents: new Set<WebAgent>(), browsers: new Set<Browser>() };
// A test file whose beforeAll failed half-way (its agent started, the browser launch failed) has no
// handle to stop what did start; a server left listening keeps jest from ever exiting.
afterAll(async () => {
  for (const browser of live.browsers) await browser.close().catch(() => undefined);
  for (const agent of live.agents) await agent.stop();
});

let built: Promise<string> | null = null;
/** The web client built from the current sources into a temp dir (once per test file). */
export function builtWebDir(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'tf-web-'));
    await buildWeb({ outDir, quiet: true });
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    return outDir;
  })();
  return built;
}

export interface WebAgent {
  tk: TestKernel;
  url: string;
  /** The local token (admin), as a desktop client on this machine would read it. */
  token: string;
  api(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

/**
 * The real agent (all built-in plugins, real uWS on 127.0.0.1:0, real PTYs) serving a fresh build
 * of the page, with one password user ({@link USER}, admin) besides the local token, and any
 * `extraPlugins` (first-party packages such as a tunnel provider, or test plugins, loaded like
 * third-party ones).
 */
export async function startWebAgent(config: AgentConfigInput = {}, extraPlugins: readonly PluginDefinition<any>[] = []): Promise<WebAgent> {
  requireChromium();
  userHash ??= hashPassword(USER.password);
  const [dir, passwordHash] = await Promise.all([builtWebDir(), userHash]);
  const tk = await startTestKernel({
    plugins: [...builtinPlugins(), ...extraPlugins],
    config: {
      port: 0,
      logLevel: 'warn',
      ...config,
      plugins: {
        'web-ui': { options: { dir } },
        'auth-password': { options: { users: [{ username: USER.username, passwordHash, role: 'admin' }] } },
        ...config.plugins,
      },
    },
  });
  const listening = tk.events.find((e) => e.type === 'server.listening');
  if (!listening) throw new Error('agent did not report server.listening');
  const url = (listening.data as { url: string }).url;
  const token = readFileSync(path.join(tk.dataDir, 'local-token'), 'utf8').trim();
  const agent: WebAgent = {
    tk,
    url,
    token,
    api: (method, route, body, as = token) => callJson(url + route, as, method, body),
    stop: () => {
      live.agents.delete(agent);
      return tk.stop();
    },
  };
  live.agents.add(agent);
  return agent;
}

/** Headless Debian Chromium (playwright-core never downloads a browser). Fails clearly when it is missing. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  requireChromium();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  live.browsers.add(browser);
  browser.on('disconnected', () => live.browsers.delete(browser));
  return browser;
}

/** A page plus what went wrong in it (script errors, console errors, CSP violations). */
export interface TestPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
}

/**
 * A fresh browser context (own storage) on the agent's page. `token` is put where a login would
 * put it (localStorage) before the page loads; without it the page shows its login form.
 */
export async function openPage(browser: Browser, agent: WebAgent, options: { token?: string; hash?: string; viewport?: { width: number; height: number }; phone?: boolean } = {}): Promise<TestPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1100, height: 680 },
    deviceScaleFactor: options.phone ? 2 : 1,
    // A touch screen: `(pointer: coarse)` matches, so the page shows its special-key bar.
    ...(options.phone ? { isMobile: true, hasTouch: true } : {}),
  });
  const problems: string[] = [];
  if (options.token !== undefined) {
    await context.addInitScript((token: string) => {
      (globalThis as any).localStorage.setItem('tunnelforge.credential', JSON.stringify({ kind: 'token', token }));
    }, options.token);
  }
  await context.addInitScript(() => {
    (globalThis as any).document.addEventListener('securitypolicyviolation', (event: any) => {
      (globalThis as any).console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs every non-2xx answer ("Failed to load resource"): the page expects some
    // (401 before login, 404 for optional routes) and handles them. Anything else is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(agent.url + '/' + (options.hash ?? ''));
  return { page, context, problems };
}

/** The visible lines of the page's terminal (xterm.js buffer). */
export function screenLines(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as any).__tf.terminal?.screenLines() ?? []);
}

/** Wait until the terminal's screen contains `text`. */
export async function waitForScreen(page: Page, text: string, timeoutMs = 10_000): Promise<string[]> {
  await page.waitForFunction((needle: string) => {
    const view = (globalThis as any).__tf?.terminal;
    return view ? view.screenLines().join('\n').includes(needle) : false;
  }, text, { timeout: timeoutMs, polling: 20 });
  return screenLines(page);
}

/** Wait until the terminal view is attached (the status badge says live). */
export async function waitForAttached(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.waitForFunction(() => (globalThis as any).__tf?.terminal?.connection.isAttached === true, undefined, { timeout: timeoutMs, polling: 20 });
}

/** Counters of the page's terminal connection. */
export function connectionStats(page: Page): Promise<{ outputBytes: number; snapshots: number; nextOffset: number | null; cols: number; rows: number }> {
  return page.evaluate(() => {
    const view = (globalThis as any).__tf.terminal;
    return { outputBytes: view.connection.outputBytes, snapshots: view.connection.snapshots, nextOffset: view.connection.nextOffset, cols: view.terminal.cols, rows: view.terminal.rows };
  });
}
