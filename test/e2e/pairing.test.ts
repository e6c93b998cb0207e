import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { runCli } from '../../src/cli/main';
import { FakeClock, startTestAgent } from '../../src/testkit';
import { request } from '../auth/auth-harness';
import { captureIo } from '../cli/capture-io';
import { launchChromium, openPage, startWebAgent, type WebAgent } from './web-harness';

/** Decode a QR code from RGBA pixels with jsQR: what a phone camera would read. */
function decode(rgba: Uint8ClampedArray, width: number, height: number): string | null {
  return jsQR(rgba, width, height)?.data ?? null;
}

/**
 * The QR code `tunnelforge pair` printed (half blocks: a drawn cell is light, a blank one dark),
 * back into pixels: each module 4×4 pixels, light white, dark black.
 */
function decodeTerminalQr(text: string): string | null {
  const rows = text.split('\n').filter((line) => /^[█▀▄ ]+$/.test(line) && line.includes('█'));
  const modules: boolean[][] = []; // true = light
  for (const row of rows) {
    modules.push([...row].map((ch) => ch === '█' || ch === '▀'));
    modules.push([...row].map((ch) => ch === '█' || ch === '▄'));
  }
  const scale = 4;
  const quiet = 8; // extra white border, as on a screen
  const size = modules[0].length;
  const width = (size + quiet * 2) * scale;
  const height = (modules.length + quiet * 2) * scale;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  modules.forEach((line, r) =>
    line.forEach((light, c) => {
      if (light) return;
      for (let y = 0; y < scale; y++)
        for (let x = 0; x < scale; x++) {
          const i = (((r + quiet) * scale + y) * width + (c + quiet) * scale + x) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
    }),
  );
  return decode(rgba, width, height);
}

const claim = (url: string, body: unknown) =>
  fetch(`${url}/api/pairing/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    retryAfter: r.headers.get('retry-after'),
    body: (await r.json()) as any,
  }));

describe('device pairing, end to end', () => {
  test('tunnelforge pair prints a QR code that decodes to the printed link; a second client claims it and gets a writer token, listed and revocable; a second claim is refused', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tf-pair-'));
    const agent = await startTestAgent({ config: { dataDir } });
    const project = mkdtempSync(path.join(os.tmpdir(), 'tf-pair-cli-'));
    try {
      writeFileSync(path.join(project, 'tunnelforge.config.json'), JSON.stringify({ port: Number(new URL(agent.url).port), dataDir }));
      const cli = captureIo(project);
      expect(await runCli(['pair', '--role', 'writer', '--name', 'phone'], cli.io)).toBe(0);
      const out = cli.stdout();
      const printed = /Scan the code, or open on the device:\n {2}(\S+)\n/.exec(out)?.[1];
      const code = /Pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4}) {2}\(role writer; one use; expires in 10 min\)/.exec(out)?.[1];
      expect(printed).toBe(`${agent.url}/#pair=${code}`);
      expect(decodeTerminalQr(out)).toBe(printed);
      // Only the local URL is known: the CLI says a phone cannot reach it.
      expect(cli.stderr()).toMatch(/reachable from this machine only/);

      // The device claims the code (typed in lower case, without the dash: still the code).
      const claimed = await claim(agent.url, { code: code!.toLowerCase().replace('-', ''), deviceName: 'phone' });
      expect(claimed.status).toBe(201);
      expect(claimed.body).toMatchObject({ name: 'phone (paired)', role: 'writer', expiresAt: null, token: expect.stringMatching(/^tft_/) });
      const device = agent.withToken(claimed.body.token);
      expect((await device.get('/api/auth/me')).json).toMatchObject({ id: `token:${claimed.body.id}`, role: 'writer' });
      const session = await device.post('/api/sessions', { command: ['/bin/sh'] });
      expect(session.status).toBe(201);
      expect((await device.get('/api/tokens')).status).toBe(403); // writer, not admin

      const again = await claim(agent.url, { code, deviceName: 'thief' });
      expect(again).toMatchObject({ status: 401, body: { error: { code: 'TF_ERR_BAD_PAIRING_CODE', message: 'This pairing code was already used; ask for a new one' } } });

      // Listed and revoked like any token (tunnelforge token ls shows it too).
      const ls = captureIo(project);
      expect(await runCli(['token', 'ls'], ls.io)).toBe(0);
      expect(ls.stdout()).toMatch(new RegExp(`${claimed.body.id}\\s+phone \\(paired\\)\\s+writer`));
      expect((await agent.as('admin').delete(`/api/tokens/${claimed.body.id}`)).status).toBe(204);
      expect((await device.get('/api/auth/me')).status).toBe(401);

      // The audit trail has both sides.
      const audit = (await agent.as('admin').get('/api/logs/audit')).json.entries as Array<{ action: string; outcome: string; by: any; target?: string; details?: any }>;
      expect(audit.find((e) => e.action === 'pairing.issue')).toMatchObject({ by: { id: 'local', role: 'admin' }, details: { role: 'writer', name: 'phone' } });
      expect(audit.find((e) => e.action === 'pairing.claim' && e.outcome === 'success')).toMatchObject({ target: claimed.body.id, details: { deviceName: 'phone', role: 'writer', issuedBy: 'local' } });
      expect(audit.find((e) => e.action === 'pairing.claim' && e.outcome === 'failure')).toMatchObject({ details: { reason: 'used' } });
      await agent.as('admin').delete(`/api/sessions/${session.json.id}`);
    } finally {
      await agent.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    }
  }, 30_000);

  test('expiry is honoured; wrong codes are rate limited per address and agent-wide, which voids outstanding codes', async () => {
    const clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'));
    const agent = await startTestAgent({ clock, config: { plugins: { pairing: { options: { codeTtlMinutes: 5, rateLimit: { perAddress: 3, global: 6, windowSeconds: 60 } } } } } });
    try {
      const admin = agent.as('admin');
      const first = (await admin.post('/api/pairing', { role: 'viewer' })).json;
      expect(first.expiresAt).toBe('2026-12-03T10:05:00.000Z');
      await clock.advance(5 * 60_000 + 1);
      expect(await claim(agent.url, { code: first.code, deviceName: 'late' })).toMatchObject({ status: 401, body: { error: { code: 'TF_ERR_BAD_PAIRING_CODE', message: 'This pairing code has expired; ask for a new one' } } });

      // Per address: 3 failures in the window (the expired claim counted as one), then 429 before any code is looked at.
      const valid = (await admin.post('/api/pairing', { role: 'viewer' })).json;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await claim(agent.url, { code: 'ZZZZ-ZZZZ', deviceName: 'guess' })).status);
      expect(statuses).toEqual([401, 401, 429, 429]);
      const limited = await claim(agent.url, { code: valid.code, deviceName: 'phone' });
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      expect(limited.body.error.code).toBe('TF_ERR_RATE_LIMITED');

      // After the window the right code works again.
      await clock.advance(61_000);
      expect((await claim(agent.url, { code: valid.code, deviceName: 'phone' })).status).toBe(201);

      // Agent-wide: guesses from many addresses (127.0.0.x are all this machine on Linux) reach the
      // global limit, every outstanding code is voided, and the owner must issue a new one.
      const pending = (await admin.post('/api/pairing', {})).json;
      for (let i = 0; i < 6; i++) {
        const reply = await request(`${agent.url}/api/pairing/claim`, { method: 'POST', body: { code: 'YYYY-YYYY', deviceName: 'x' }, localAddress: `127.0.0.${10 + i}` });
        expect(reply.status).toBe(401);
      }
      expect((await request(`${agent.url}/api/pairing/claim`, { method: 'POST', body: { code: pending.code, deviceName: 'x' }, localAddress: '127.0.0.99' })).status).toBe(429);
      await clock.advance(61_000);
      const voided = await claim(agent.url, { code: pending.code, deviceName: 'x' });
      expect(voided).toMatchObject({ status: 401, body: { error: { message: 'This pairing code has expired; ask for a new one' } } });
      expect(agent.logs.some((l) => l.msg.startsWith('too many failed pairing claims'))).toBe(true);
    } finally {
      await agent.stop();
    }
  }, 30_000);

  test('bad input: a malformed body is a 400 with the field; POST /api/pairing is admin only; url must be one of the agent URLs', async () => {
    const agent = await startTestAgent();
    try {
      const bad = await agent.anonymous().post('/api/pairing/claim', { code: 'ABCD-EFGH' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.details[0].path).toBe('body.deviceName');
      expect((await agent.as('writer').post('/api/pairing', {})).status).toBe(403);
      expect((await agent.anonymous().post('/api/pairing', {})).status).toBe(401);
      const wrongUrl = await agent.as('admin').post('/api/pairing', { url: 'https://evil.example.com' });
      expect(wrongUrl.status).toBe(400);
      expect(wrongUrl.json.error.message).toBe(`url must be one of: ${agent.url}`);
    } finally {
      await agent.stop();
    }
  });
});

describe('device pairing in the web client (Chromium)', () => {
  let agent: WebAgent;
  let browser: Browser;
  beforeAll(async () => {
    [agent, browser] = await Promise.all([startWebAgent(), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
  });

  test('an admin clicks "Pair a device": the QR code on the page decodes to the shown link; the phone opens that link and is paired as a writer', async () => {
    const admin = await openPage(browser, agent, { token: agent.token });
    await admin.page.getByRole('button', { name: 'Pair a device' }).click();
    const qr = admin.page.locator('.pairing-qr');
    await qr.waitFor();
    const link = (await admin.page.locator('.pairing-link').textContent())!;
    expect(link).toMatch(new RegExp(`^${agent.url.replace(/[.]/g, '\\.')}/#pair=[0-9A-Z]{4}-[0-9A-Z]{4}$`));
    const png = PNG.sync.read(await qr.screenshot());
    expect(decode(new Uint8ClampedArray(png.data), png.width, png.height)).toBe(link);
    expect(admin.problems).toEqual([]);

    const phone = await browser.newContext({ viewport: { width: 390, height: 700 }, isMobile: true, hasTouch: true });
    const page = await phone.newPage();
    await page.goto(link);
    await page.getByRole('form', { name: 'Pair this device' }).waitFor();
    expect(await page.evaluate(() => (globalThis as any).location.hash)).toBe(''); // the code left the address bar
    await page.getByLabel('Device name').fill('test phone');
    await page.getByRole('button', { name: 'Pair this device' }).click();
    await page.locator('.who').waitFor();
    expect(await page.locator('.who').textContent()).toMatch(/^token:[0-9a-f]{12} · writer$/);
    const tokens = (await agent.api('GET', '/api/tokens')).body.tokens as Array<{ name: string; role: string }>;
    expect(tokens).toContainEqual(expect.objectContaining({ name: 'test phone (paired)', role: 'writer' }));
    await phone.close();
    await admin.context.close();
  }, 30_000);
});
