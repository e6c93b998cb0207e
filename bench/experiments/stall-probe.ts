/**
 * Evidence for issue 18 §4 (not part of `npm run bench`): `node dist/bench/experiments/stall-probe.js`
 *
 * The real agent in this process; the longest event-loop block (gap between 1 ms timer ticks) while
 * (a) a client attaches without offset to a 1000×1000 session whose screen is full (a SNAPSHOT of
 * a huge screen), and (b) 100 sessions are created at once. Clients run in this process too (ws),
 * so the numbers include a little client work; what matters is the agent's single longest block.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as nodePty from 'node-pty';
import WebSocket from 'ws';
import { startAgentHost } from '../agent-host';
import { sleep } from '../common';

function ticker(): { stop(): { maxMs: number; over10: number } } {
  let last = performance.now();
  let maxMs = 0;
  let over10 = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    if (gap > maxMs) maxMs = gap;
    if (gap > 10) over10++;
    last = now;
  }, 1);
  return { stop: () => (clearInterval(timer), { maxMs: Math.round(maxMs * 10) / 10, over10 }) };
}

/** node-pty's synchronous spawn (forkpty: its cost grows with the agent's RSS), timed. */
const spawnMs: number[] = [];
const spawn = nodePty.spawn;
(nodePty as { spawn: typeof spawn }).spawn = (...args: Parameters<typeof spawn>) => {
  const started = performance.now();
  try {
    return spawn(...args);
  } finally {
    spawnMs.push(performance.now() - started);
  }
};

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-stall-'));
  const host = await startAgentHost({ dataDir: path.join(dir, 'data'), logLevel: 'warn', sessions: { maxSessions: 256, createRateLimit: { creates: 0 } } });
  try {
    await sleep(500); // the screen-model warm-up runs once after start
    // 1100 lines of 990 coloured cells: more than a 1000-row screen, every cell styled.
    const screenFile = path.join(dir, 'screen.txt');
    let text = '';
    for (let i = 0; i < 1100; i++) {
      for (let j = 0; j < 990; j++) text += `\x1b[3${(i + j) % 8}mx`;
      text += '\n';
    }
    writeFileSync(screenFile, text);
    for (let rep = 0; rep < 3; rep++) {
      // (a) a full 1000×1000 screen, then a fresh attach.
      const big = await host.createSession({ command: ['/bin/bash', '--norc', '--noprofile'], cwd: dir, cols: 1000, rows: 1000 });
      await host.api('POST', `/api/sessions/${big.id}/input`, { text: `cat ${screenFile}\r` });
      await host.waitSession(big.id, (info) => info.outputBytes > text.length, 60_000, 'screen filled');
      await sleep(500);
      const socket = new WebSocket(host.endpoint.wsUrl, { headers: { authorization: `Bearer ${host.endpoint.token}` }, perMessageDeflate: false });
      await new Promise((resolve) => socket.once('open', resolve));
      const t = ticker();
      const started = performance.now();
      const snapshot = new Promise<number>((resolve) => socket.on('message', (data: Buffer) => { if (data[0] === 0x83) resolve(data.length); }));
      socket.send(Buffer.concat([Buffer.from([1]), Buffer.from(JSON.stringify({ sessionId: big.id }))]));
      const bytes = await snapshot;
      const ms = performance.now() - started;
      await sleep(50);
      console.log(`1000x1000 attach: snapshot ${bytes} B after ${ms.toFixed(1)} ms; loop`, t.stop());
      socket.close();
      await host.removeSession(big.id);

      // (b) 100 creates at once.
      const t2 = ticker();
      const t0 = performance.now();
      const created = await Promise.all(Array.from({ length: 100 }, () => host.createSession({ command: ['/bin/bash', '--norc', '--noprofile'], cwd: dir })));
      const createMs = performance.now() - t0;
      await sleep(300);
      const sorted = spawnMs.splice(0).sort((a, b) => a - b);
      console.log(`100 creates in ${createMs.toFixed(0)} ms; loop`, t2.stop(), `; node-pty spawn median ${sorted[sorted.length >> 1]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms; RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
      await Promise.all(created.map((s) => host.removeSession(s.id)));
      await sleep(500);
    }
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
