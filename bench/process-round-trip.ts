import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { percentile, round, sleep } from './common';

/** The child: echoes every byte it reads on the Unix socket it connects to. */
const ECHO = "const s = require('node:net').connect(process.argv[1]); s.on('data', (d) => s.write(d)); s.on('close', () => process.exit(0));";

/**
 * The floor under any cross-process hop on this machine: one byte to another Node process over a
 * Unix socket and back, `samples` times, `intervalMs` apart (as keystrokes are, so both processes
 * sleep between rounds, and each round pays for waking them). The session host adds one such
 * round trip to a keystroke's echo (INPUT to the host, OUTPUT back).
 */
export async function processRoundTrip(dir: string, samples: number, intervalMs: number): Promise<{ p50: number; p99: number }> {
  const socketPath = path.join(dir, `rtt-${process.pid}.sock`);
  rmSync(socketPath, { force: true });
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const child = spawn(process.execPath, ['-e', ECHO, socketPath], { stdio: 'ignore' });
  try {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the echo process did not connect within 10 s')), 10_000);
      server.once('connection', (connection) => {
        clearTimeout(timer);
        resolve(connection);
      });
    });
    const rtts: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      await sleep(intervalMs);
      const started = performance.now();
      await new Promise<void>((resolve) => {
        socket.once('data', () => resolve());
        socket.write('x');
      });
      if (i >= 20) rtts.push(performance.now() - started); // the first 20 warm both sides up
    }
    socket.destroy();
    rtts.sort((a, b) => a - b);
    return { p50: round(percentile(rtts, 50), 3), p99: round(percentile(rtts, 99), 3) };
  } finally {
    child.kill();
    server.close();
    rmSync(socketPath, { force: true });
  }
}
