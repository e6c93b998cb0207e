/**
 * The floor under `idleSessionKiB` (issue 17): what 200 idle shells cost a process that does
 * nothing but hold them with node-pty (an `onData` listener each, no agent).
 * `node dist/bench/experiments/pty-memory.js [count=200]`: RSS, heap and external per PTY, each
 * the median of 5 samples after forced GCs, the baseline taken after a warm-up and 12 s of quiet
 * (V8 hands memory back some seconds after a burst).
 */
import * as nodePty from 'node-pty';
import { KiB, round, sleep } from '../common';
import { settledMemory } from '../probes';

function spawn(): nodePty.IPty {
  return nodePty.spawn('/bin/bash', ['--norc', '--noprofile'], { cols: 120, rows: 40, cwd: '/tmp', env: { ...process.env, PS1: 'idle$ ' } as Record<string, string>, encoding: null });
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 200);
  const warm = Array.from({ length: 10 }, spawn);
  await sleep(1000);
  for (const p of warm) p.kill('SIGKILL');
  await sleep(12_000);
  const before = await settledMemory();
  let bytes = 0;
  const ptys = Array.from({ length: count }, () => {
    const p = spawn();
    p.onData((d) => (bytes += d.length));
    return p;
  });
  await sleep(4000);
  const after = await settledMemory();
  const per = (key: 'rss' | 'heapUsed' | 'external') => round((after[key] - before[key]) / count / KiB, 1);
  process.stdout.write(JSON.stringify({ ptys: count, outputBytes: bytes, rssKiB: per('rss'), heapUsedKiB: per('heapUsed'), externalKiB: per('external') }) + '\n');
  for (const p of ptys) p.kill('SIGKILL');
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
