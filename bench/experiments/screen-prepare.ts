/**
 * Evidence (not part of `npm run bench`): `node dist/bench/experiments/screen-prepare.js`
 *
 * ScreenModel.prepare() (src/sessions/screen-model.ts) is meant to catch up in 256 KiB slices, one
 * per event-loop turn, so a snapshot after a big backlog does not block the loop. Its first `turn(0)`
 * runs synchronously inside the Promise executor: when it finishes at once (little to parse, e.g. the
 * first client attaching to a fresh session), it sets `this.preparing = null` BEFORE the
 * `this.preparing = new Promise(...)` assignment completes, so `preparing` keeps a resolved promise
 * forever. Every later prepare() returns it without slicing, and the next snapshot() parses the whole
 * backlog synchronously. The same happens when the parsed offset has fallen out of the ring (checked
 * at turn 0 too). This script shows both effects with the real (compiled) classes.
 */
import { performance } from 'node:perf_hooks';
import { SystemClock } from '../../src/kernel/core/system-clock';
import { OutputRing } from '../../src/sessions/output-ring';
import { ResizeLog } from '../../src/sessions/resize-log';
import { ScreenModel } from '../../src/sessions/screen-model';

function lines(bytes: number, seed: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `\x1b[3${(i + seed) % 8}mline ${seed}-${i} ${'x'.repeat(60)}\x1b[0m\r\n`;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** Longest synchronous stretch while `promise` settles (a 1 ms interval timer's worst lateness). */
async function longestBlock<T>(work: () => Promise<T>): Promise<{ value: T; blockedMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  last = performance.now();
  const value = await work();
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  return { value, blockedMs: worst };
}

async function scenario(name: string, firstBytes: number): Promise<Record<string, unknown>> {
  const ring = new OutputRing(4 * 1024 * 1024);
  const model = new ScreenModel(ring, new ResizeLog(120, 40), { scrollback: 200, maxSnapshotBytes: 256 * 1024, idleMs: 0 }, new SystemClock());
  const internals = model as unknown as { preparing: Promise<void> | null };
  ring.append(lines(firstBytes, 1));
  await model.prepare(); // first attach: the snapshot path
  model.snapshot();
  const stuckAfterFirst = internals.preparing !== null;
  // Then 3 MiB more output (a flood with the client attached: the model is not fed while output flows).
  ring.append(lines(3 * 1024 * 1024, 2));
  const parsedBefore = model.parsedOffset;
  const { blockedMs } = await longestBlock(async () => {
    await model.prepare(); // a late joiner / a resync: should slice
    return model.snapshot();
  });
  model.dispose();
  return {
    name,
    preparingStuckAfterFirstPrepare: stuckAfterFirst,
    parsedBeforeSecondPrepare: parsedBefore,
    backlogBytes: ring.end - parsedBefore,
    longestEventLoopBlockMs: Math.round(blockedMs * 10) / 10,
  };
}

async function main(): Promise<void> {
  // 1 KiB first: turn(0) resolves synchronously → `preparing` stuck → second prepare does not slice.
  process.stdout.write(JSON.stringify(await scenario('small first attach (normal case)', 1024)) + '\n');
  // 1 MiB first: turn(0) slices, prepare() works as designed → the second prepare slices too.
  process.stdout.write(JSON.stringify(await scenario('large first attach (control)', 1024 * 1024)) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
