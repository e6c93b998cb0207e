/**
 * What an idle session and an attached viewer keep alive in the agent's JS heap (issue 17 §1):
 * `node dist/bench/experiments/session-heap.js [sessions=100]`
 *
 * Starts the agent in this process (in-process PTYs, every built-in plugin), takes a V8 heap
 * snapshot, creates `sessions` idle shells, takes another, attaches one viewer per session from a
 * client process (fresh ATTACH: SNAPSHOT path), takes a third, waits out `screenIdleMs`, takes a
 * fourth. Prints, per step, the self size per session grouped by constructor (top 15) and
 * process.memoryUsage() deltas per session. Heap snapshots cover the JS heap only: native memory
 * (uWS sockets, node-pty handles, libuv) shows in the RSS column alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { startAgentHost } from '../agent-host';
import { ClientProcess } from '../client-pool';
import { KiB, round, sleep } from '../common';
import { forceGc } from '../probes';

interface Snapshot { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] }

/** Self size by constructor/type name over the whole heap. */
async function heapByName(): Promise<Map<string, number>> {
  forceGc();
  const chunks: Buffer[] = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snap = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeIx = fields.indexOf('type');
  const nameIx = fields.indexOf('name');
  const sizeIx = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const sizes = new Map<string, number>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeIx]];
    const name = type === 'object' || type === 'native' || type === 'closure' ? `${type}:${snap.strings[snap.nodes[i + nameIx]]}` : type;
    sizes.set(name, (sizes.get(name) ?? 0) + snap.nodes[i + sizeIx]);
  }
  return sizes;
}

function diff(before: Map<string, number>, after: Map<string, number>, per: number): Array<[string, number]> {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].map((n): [string, number] => [n, round(((after.get(n) ?? 0) - (before.get(n) ?? 0)) / per / KiB, 2)])
    .sort((a, b) => b[1] - a[1]).slice(0, 15);
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tf-heap-'));
  const agent = await startAgentHost({ dataDir: path.join(tmp, 'data'), logLevel: 'error', sessions: { mode: 'in-process', maxSessions: count + 10, createRateLimit: { creates: 0 } } });
  const client = await ClientProcess.start('viewers', agent.endpoint);
  try {
    const body = { command: ['/bin/bash', '--norc', '--noprofile'], cwd: tmp, cols: 120, rows: 40, env: { PS1: 'idle$ ', HISTFILE: '' } };
    const mem = () => { forceGc(); return process.memoryUsage(); };
    await sleep(1000);
    const h0 = await heapByName();
    const m0 = mem();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await agent.createSession(body)).id);
    await sleep(2000);
    const h1 = await heapByName();
    const m1 = mem();
    await client.call('attachMany', { job: 'v', ids, concurrency: 10 }, 120_000);
    await sleep(1000);
    const h2 = await heapByName();
    const m2 = mem();
    await sleep(11_000);
    const h3 = await heapByName();
    const m3 = mem();
    if (process.env.TF_HEAP_DUMP) v8.writeHeapSnapshot(process.env.TF_HEAP_DUMP);
    const memDelta = (a: NodeJS.MemoryUsage, b: NodeJS.MemoryUsage) => ({ rssKiB: round((b.rss - a.rss) / count / KiB, 1), heapUsedKiB: round((b.heapUsed - a.heapUsed) / count / KiB, 1), externalKiB: round((b.external - a.external) / count / KiB, 1) });
    process.stdout.write(JSON.stringify({
      sessions: count,
      idleSession: { memory: memDelta(m0, m1), heapTopKiB: diff(h0, h1, count) },
      viewerJustAttached: { memory: memDelta(m1, m2), heapTopKiB: diff(h1, h2, count) },
      viewerAfterScreenIdle: { memory: memDelta(m1, m3), heapTopKiB: diff(h1, h3, count) },
    }, null, 1) + '\n');
  } finally {
    await client.stop();
    await agent.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(String((error as Error)?.stack ?? error) + '\n');
  process.exit(1);
});
