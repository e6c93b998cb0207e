/**
 * Evidence for the cold late-join cost (not part of `npm run bench`):
 * `node dist/bench/experiments/cold-screen.js`
 *
 * A session printed 10 MiB (the late-join text: SGR colours, UTF-8) with nobody attached, so the
 * server-side screen model (src/sessions/screen-model.ts) does not exist yet. The first ATTACH
 * creates it and replays the ring into @xterm/headless before it can serialize the snapshot: the
 * whole ring (4 MiB) before commit fa24955, the last 512 KiB from a line start since. This measures
 * those against a tail bounded by LINES (scrollback + rows + 16 lines back) and a 256 KiB tail, each
 * in a fresh process state (rep0 = cold JIT, like the first join after an agent start), and checks
 * that every variant gives the same snapshot.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SerializeAddon } from '@xterm/addon-serialize';
import { Terminal } from '@xterm/headless';
import { makeLateJoinText } from '../payloads';

const COLS = 120;
const ROWS = 40;
const SCROLLBACK = 200;
const RING = 4 * 1024 * 1024;

function screenFrom(bytes: Buffer): { parseMs: number; serializeMs: number; snapshot: string } {
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true, logLevel: 'off' });
  const serializer = new SerializeAddon();
  term.loadAddon(serializer);
  const core = (term as unknown as { _core: { writeSync(data: Uint8Array): void } })._core;
  const t0 = performance.now();
  for (let at = 0; at < bytes.length; at += 256 * 1024) core.writeSync(bytes.subarray(at, Math.min(bytes.length, at + 256 * 1024)));
  const t1 = performance.now();
  const snapshot = serializer.serialize({ scrollback: SCROLLBACK });
  const t2 = performance.now();
  term.dispose();
  return { parseMs: t1 - t0, serializeMs: t2 - t1, snapshot };
}

/** Offset of the start of the line `lines` newlines before the end (0 if there are fewer). */
function tailStart(bytes: Buffer, lines: number): number {
  let seen = 0;
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] === 0x0a && ++seen > lines) return i + 1;
  }
  return 0;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tfbench-cold-'));
try {
  const text = makeLateJoinText(dir, 10 * 1024 * 1024);
  // What the PTY produced: ONLCR turns every \n into \r\n, then the prompt.
  const output = Buffer.concat([Buffer.from(readFileSync(text.file, 'latin1').replace(/\n/g, '\r\n'), 'latin1'), Buffer.from('tfb-prompt$ ')]);
  const ring = output.subarray(output.length - RING);
  const results: Record<string, unknown> = {};
  for (let rep = 0; rep < 3; rep++) {
    const full = screenFrom(ring);
    const start = tailStart(ring, SCROLLBACK + ROWS + 16);
    const tail = screenFrom(ring.subarray(start));
    // Or simply: the last 256 KiB (512 KiB: the src default since fa24955), from the first line start in it.
    const capStart = ring.indexOf(0x0a, ring.length - 256 * 1024) + 1;
    const capped = screenFrom(ring.subarray(capStart));
    const cap512Start = ring.indexOf(0x0a, ring.length - 512 * 1024) + 1;
    const capped512 = screenFrom(ring.subarray(cap512Start));
    results[`rep${rep}`] = {
      fullRing: { bytes: ring.length, parseMs: +full.parseMs.toFixed(1), serializeMs: +full.serializeMs.toFixed(1), snapshotBytes: full.snapshot.length },
      lineBoundedTail: { bytes: ring.length - start, parseMs: +tail.parseMs.toFixed(1), serializeMs: +tail.serializeMs.toFixed(1), sameSnapshot: tail.snapshot === full.snapshot },
      byteCapped256KiB: { bytes: ring.length - capStart, parseMs: +capped.parseMs.toFixed(1), sameSnapshot: capped.snapshot === full.snapshot },
      byteCapped512KiB: { bytes: ring.length - cap512Start, parseMs: +capped512.parseMs.toFixed(1), serializeMs: +capped512.serializeMs.toFixed(1), sameSnapshot: capped512.snapshot === full.snapshot },
      parseMBps: +((ring.length / 1e6) / (full.parseMs / 1000)).toFixed(1),
    };
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
