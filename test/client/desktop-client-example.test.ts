// examples/desktop-client.ts as a user runs it (the built JS, a process of its own) against a real
// agent, through a TCP proxy that cuts the WebSocket mid-output, as a network loss would. The
// example must resume, and the sha256 of every output byte it received must equal that of the
// stream the session printed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { TestAgent } from '../../src/testkit';
import { PASSWORD, startClientTestAgent } from './client-test-agent';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = path.join(ROOT, 'dist/examples/desktop-client.js');
const LINES = 100_000;
/** Cut the WebSocket after this many bytes from the agent (the whole stream is ~690 KB). */
const CUT_AFTER = 100 * 1024;

/** A loopback TCP proxy to `port` that destroys the first WebSocket connection once it carried CUT_AFTER bytes to the client. */
function cuttingProxy(port: number): Promise<{ url: string; cuts: number[]; close(): Promise<void> }> {
  const cuts: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let webSocket: boolean | null = null;
    let carried = 0;
    client.on('data', (chunk) => {
      webSocket ??= chunk.toString('latin1').startsWith('GET /ws ');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      client.write(chunk);
      carried += chunk.length;
      if (webSocket && cuts.length === 0 && carried > CUT_AFTER) {
        cuts.push(carried);
        client.destroy();
        upstream.destroy();
      }
    });
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('end', () => b.end());
      a.on('error', () => b.destroy());
      a.on('close', () => sockets.delete(a));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cuts,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  })));
}

let agent: TestAgent;
beforeAll(async () => {
  if (!existsSync(EXAMPLE)) throw new Error('dist/examples is missing: run `npm run build` first (`npm test` does)');
  agent = await startClientTestAgent();
});
afterAll(() => agent?.stop());

it('runs examples/desktop-client.ts: survives a cut mid-output by resuming, receives every byte once, exits cleanly', async () => {
  const proxy = await cuttingProxy(Number(new URL(agent.url).port));
  try {
    const child = spawn(process.execPath, [EXAMPLE, String(LINES)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TUNNELFORGE_URL: proxy.url, TUNNELFORGE_USER: 'ann', TUNNELFORGE_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect({ code, err }).toMatchObject({ code: 0 }); // exits by itself: nothing left open

    // What the session printed: the typed number echoed by the terminal, then `seq`, with \r\n line ends.
    let expected = `${LINES}\r\n`;
    for (let i = 1; i <= LINES; i++) expected += `${i}\r\n`;
    const summary = JSON.parse(out.trim()) as Record<string, unknown>;
    expect(summary).toEqual({
      exitCode: 0,
      bytes: Buffer.byteLength(expected),
      sha256: createHash('sha256').update(expected).digest('hex'),
      resumes: 1,
      snapshots: 1, // the first attach; the resume needed none
      lastLine: String(LINES),
    });
    expect(proxy.cuts).toHaveLength(1); // cut once, after ~100 KB of ~690 KB: mid-output
    expect(proxy.cuts[0]).toBeLessThan(Buffer.byteLength(expected));
    expect(err).toMatch(/^logged in as ann; \d+ session\(s\) already there$/m);
    expect(err).toMatch(/^connection reconnecting: connection lost/m);
    expect(err).toMatch(/^resumed at offset \d+$/m);
    // It cleaned up after itself: the session is removed.
    expect((await agent.as('admin').get('/api/sessions')).json).toEqual({ sessions: [] });
    await agent.waitForEvent('session.removed');
  } finally {
    await proxy.close();
  }
}, 90_000);
