import type { Browser } from 'playwright-core';
import { launchChromium, openPage, startWebAgent, waitForAttached, waitForScreen, type WebAgent } from './web-harness';

const KEYSTROKES = 200;
const PINGS = 200;

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

function summary(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]) };
}

/**
 * Keyboard latency measured in the page (docs/web.md): real key presses into `cat`, each timed
 * from the keydown event to the echo parsed into xterm.js's buffer and to the next render, next to
 * the page's own WebSocket round trip (protocol PING/PONG) on the same connection. Prints the
 * numbers; asserts only that they were measured (timing depends on the machine).
 */
describe('web client keyboard latency (Chromium, real agent)', () => {
  let agent: WebAgent;
  let browser: Browser;
  beforeAll(async () => {
    [agent, browser] = await Promise.all([startWebAgent(), launchChromium((process.env.TF_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean))]);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
  });

  it(`measures ${KEYSTROKES} keystrokes into cat against ${PINGS} PING round trips`, async () => {
    const session = (await agent.api('POST', '/api/sessions', { command: ['cat'], name: 'latency' })).body;
    const { page } = await openPage(browser, agent, { token: agent.token, hash: `#/session/${session.id}` });
    await waitForAttached(page);
    await page.click('.term-viewport');
    await page.keyboard.type('warm-up\n');
    await waitForScreen(page, 'warm-up');

    await page.evaluate(() => {
      (globalThis as any).__tf.terminal.probe.enabled = true;
    });
    const keys = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i < KEYSTROKES; i++) {
      await page.keyboard.press(keys[i % keys.length]);
      await page.waitForFunction((n: number) => (globalThis as any).__tf.terminal.probe.samples.length >= n, i + 1, { polling: 'raf', timeout: 5_000 });
      if (i % 60 === 59) {
        await page.keyboard.press('Enter'); // keep lines short; not measured (probe waits for a keydown)
        await page.waitForTimeout(20);
      }
    }
    const samples: Array<{ keydown: number; sent: number; received: number; parsed: number; rendered: number }> = await page.evaluate(() => (globalThis as any).__tf.terminal.probe.samples);
    // The WebSocket round trip on the same page, twice: idle (a loop of PINGs), and under the same
    // conditions as a keystroke (a PING sent from a real keydown, of Shift, which types nothing).
    const rtts: number[] = await page.evaluate(async (n: number) => {
      const connection = (globalThis as any).__tf.terminal.connection;
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await connection.ping());
      return out;
    }, PINGS);
    await page.evaluate(() => {
      const g = globalThis as any;
      g.__keyPings = [];
      g.document.addEventListener('keydown', (event: any) => {
        if (event.key === 'Shift') g.__tf.terminal.connection.ping().then((rtt: number) => g.__keyPings.push(rtt));
      }, true);
    });
    for (let i = 0; i < PINGS; i++) {
      await page.keyboard.press('Shift');
      await page.waitForFunction((n: number) => (globalThis as any).__keyPings.length >= n, i + 1, { polling: 'raf', timeout: 5_000 });
    }
    const keyRtts: number[] = await page.evaluate(() => (globalThis as any).__keyPings);

    const keyToParsed = summary(samples.map((s) => s.parsed - s.keydown));
    const keyToRendered = summary(samples.map((s) => s.rendered - s.keydown));
    const keyToSent = summary(samples.map((s) => s.sent - s.keydown));
    const sentToReceived = summary(samples.map((s) => s.received - s.sent));
    const receivedToParsed = summary(samples.map((s) => s.parsed - s.received));
    const rtt = summary(rtts);
    const keyRtt = summary(keyRtts);
    const result = {
      keystrokes: samples.length,
      pings: rtts.length,
      'keydown → INPUT sent': keyToSent,
      'INPUT sent → echo received (through the shell)': sentToReceived,
      'echo received → parsed by xterm': receivedToParsed,
      'keydown → echo in the xterm buffer': keyToParsed,
      'keydown → echo rendered (next frame)': keyToRendered,
      'WebSocket round trip, idle (PING/PONG loop)': rtt,
      'WebSocket round trip, PING sent from a keydown': keyRtt,
      'page work per keystroke (keydown → sent + received → parsed), p99': Math.round((keyToSent.p99 + receivedToParsed.p99) * 100) / 100,
      'added over the keydown round trip, p99 (in the buffer)': Math.round((keyToParsed.p99 - keyRtt.p99) * 100) / 100,
      'added over the keydown round trip, p99 (rendered)': Math.round((keyToRendered.p99 - keyRtt.p99) * 100) / 100,
      'added over the idle round trip, p99 (in the buffer)': Math.round((keyToParsed.p99 - rtt.p99) * 100) / 100,
    };
    console.log(`web keyboard latency (ms):\n${JSON.stringify(result, null, 2)}`);
    expect(samples.length).toBe(KEYSTROKES);
    expect(rtts.length).toBe(PINGS);
    expect(keyRtts.length).toBe(PINGS);
  }, 60_000);
});
