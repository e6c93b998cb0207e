/**
 * The simplest forwarder (issue 17's throughput bar; first written as
 * bench/experiments/forward-ceiling.ts): the flood producer on node-pty in THIS process, `onData` →
 * `socket.write` on a plain loopback TCP connection (no WebSocket, no framing, no ring, no
 * coalescing; pause the PTY while the socket is over its high-water mark), to a child process that
 * hashes and checks the bytes with the same PayloadTracker as the bench's WebSocket clients.
 * Whatever the agent does beyond this costs throughput; nothing that forwards can do less.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as nodePty from 'node-pty';
import { mbps, wallMs, withTimeout, type PtyProgramOptions } from './common';
import { PayloadTracker } from './payload-tracker';
import type { FloodPayload } from './payloads';

export type ForwarderOptions = PtyProgramOptions;

export interface ForwarderResult {
  MBps: number;
  /** Every payload byte arrived in order with the right sha256. */
  exact: boolean;
  bytes: number;
  mismatchedBytes: number;
}

/** One run; MB/s as the client measures it (first to last payload byte). */
export async function tcpForwarderRun(payload: FloodPayload, options: ForwarderOptions): Promise<ForwarderResult> {
  let pty: nodePty.IPty | null = null;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // the client goes away once it has every byte
    const p = nodePty.spawn(options.argv[0], options.argv.slice(1), { name: 'xterm-256color', cols: options.cols, rows: options.rows, cwd: options.cwd, env: options.env, encoding: null });
    pty = p;
    p.onData((data) => {
      if (!socket.write(data as unknown as Buffer)) {
        p.pause();
        socket.once('drain', () => p.resume());
      }
    });
    setTimeout(() => p.write('\r'), 50);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const child = fork(__filename, ['--client', String(port), payload.file, String(payload.bytes), payload.sha256], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const result = await withTimeout(new Promise<{ bytes: number; firstAt: number; lastAt: number; mismatchedBytes: number; complete: boolean }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`forwarder client exited with ${code}`)));
    }), options.timeoutMs, 'tcp forwarder flood');
    return { MBps: mbps(result.bytes, result.lastAt - result.firstAt), exact: result.complete && result.mismatchedBytes === 0, bytes: result.bytes, mismatchedBytes: result.mismatchedBytes };
  } finally {
    child.kill();
    try {
      (pty as nodePty.IPty | null)?.kill('SIGKILL');
    } catch {
      /* already gone */
    }
    server.close();
  }
}

async function client(): Promise<void> {
  const [port, file, bytes, sha256] = process.argv.slice(3);
  const tracker = new PayloadTracker(readFileSync(file), Number(bytes), sha256);
  tracker.start(0);
  let offset = 0;
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    tracker.output(offset, chunk, wallMs());
    offset += chunk.length;
  });
  await tracker.done;
  socket.destroy();
  process.send?.(tracker.result(), () => process.exit(0));
}

if (process.argv[2] === '--client') {
  client().catch((error: unknown) => {
    process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
    process.exit(1);
  });
}
