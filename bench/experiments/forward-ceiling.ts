/**
 * Evidence for the flood bar (standalone; `npm run bench` measures the forwarder too): how much of raw node-pty throughput can
 * ANY server keep when it forwards PTY output to a client in another process on this machine?
 * `node dist/bench/experiments/forward-ceiling.js [pairs=7] [MiB=32]`
 *
 * Alternates, back to back: (raw) the flood producer read by node-pty in this process, every byte
 * checked by the same PayloadTracker the bench uses; (tcp) the same producer behind the simplest
 * possible forwarder: node-pty `onData` → `socket.write` on a plain loopback TCP connection (no
 * WebSocket, no framing, no ring, no coalescing), to a child process that only hashes and checks
 * the bytes with the same PayloadTracker. Prints per-pair ratios tcp/raw and their median.
 * The normal bench run now measures the same forwarder beside the agent (bench/tcp-forwarder.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mbps, median, round } from '../common';
import { floodCommand, makeFloodPayload } from '../payloads';
import { rawPtyRun } from '../raw-pty';
import { tcpForwarderRun } from '../tcp-forwarder';

const BASH = '/bin/bash';

const tcpRun = (payload: ReturnType<typeof makeFloodPayload>, cwd: string) => tcpForwarderRun(payload, {
  argv: floodCommand(BASH, payload.file), cols: 120, rows: 40, cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' }, timeoutMs: 120_000,
});

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

main().catch((error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
