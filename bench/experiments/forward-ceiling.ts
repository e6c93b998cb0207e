/**
 * Evidence for the flood bar (not part of `npm run bench`): how much of raw node-pty throughput can
 * ANY server keep when it forwards PTY output to a client in another process on this machine?
 * `node dist/bench/experiments/forward-ceiling.js [pairs=7] [MiB=32]`
 *
 * Alternates, back to back: (raw) the flood producer read by node-pty in this process, every byte
 * checked by the same PayloadTracker the bench uses; (tcp) the same producer behind the simplest
 * possible forwarder: node-pty `onData` → `socket.write` on a plain loopback TCP connection (no
 * WebSocket, no framing, no ring, no coalescing), to a child process that only hashes and checks
 * the bytes with the same PayloadTracker. Prints per-pair ratios tcp/raw and their median.
 * The agent's flood ratio (`npm run bench`) can only be compared with this ceiling, measured here.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nodePty from 'node-pty';
import { mbps, median, round, wallMs } from '../common';
import { floodCommand, makeFloodPayload } from '../payloads';
import { PayloadTracker } from '../payload-tracker';
import { rawPtyRun } from '../raw-pty';

const BASH = '/bin/bash';

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
  process.send?.(tracker.result());
}

/** One run of the plain TCP forwarder; returns MB/s measured by the client (first to last payload byte). */
async function tcpRun(payload: ReturnType<typeof makeFloodPayload>, cwd: string): Promise<{ MBps: number; exact: boolean }> {
  const argv = floodCommand(BASH, payload.file);
  let pty: nodePty.IPty | null = null;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // the client goes away once it has every byte
    pty = nodePty.spawn(argv[0], argv.slice(1), { name: 'xterm-256color', cols: 120, rows: 40, cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' }, encoding: null });
    const p = pty;
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
  const result = await new Promise<{ bytes: number; firstAt: number; lastAt: number; mismatchedBytes: number; complete: boolean }>((resolve) => child.once('message', (m) => resolve(m as never)));
  child.kill();
  (pty as nodePty.IPty | null)?.kill('SIGKILL');
  server.close();
  return { MBps: mbps(result.bytes, result.lastAt - result.firstAt), exact: result.complete && result.mismatchedBytes === 0 };
}

async function main(): Promise<void> {
  const pairs = Number(process.argv[2] ?? 7);
  const mib = Number(process.argv[3] ?? 32);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-ceiling-'));
  try {
    const payload = makeFloodPayload(dir, mib * 1024 * 1024);
    const expected = readFileSync(payload.file);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' };
    const rows: Array<{ rawMBps: number; tcpMBps: number; ratio: number; exact: boolean }> = [];
    for (let i = 0; i < pairs; i++) {
      const raw = await rawPtyRun({ argv: floodCommand(BASH, payload.file), cols: 120, rows: 40, cwd: dir, env, expected, payloadBytes: payload.bytes, sha256: payload.sha256, timeoutMs: 120_000 });
      const rawMBps = mbps(raw.bytes, raw.lastAt - raw.firstAt);
      const tcp = await tcpRun(payload, dir);
      rows.push({ rawMBps: round(rawMBps), tcpMBps: round(tcp.MBps), ratio: round(tcp.MBps / rawMBps, 3), exact: tcp.exact && raw.complete });
      process.stderr.write(`pair ${i}: raw ${rawMBps.toFixed(1)} MB/s, tcp forwarder ${tcp.MBps.toFixed(1)} MB/s, ratio ${(tcp.MBps / rawMBps).toFixed(3)}\n`);
    }
    process.stdout.write(JSON.stringify({ pairs: rows, medianRatio: round(median(rows.map((r) => r.ratio)), 3), allExact: rows.every((r) => r.exact), cpus: os.availableParallelism() }) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

(process.argv[2] === '--client' ? client() : main()).catch((error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
