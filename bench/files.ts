/**
 * Files benchmark (issue 12): `npm run bench:files [-- --size=1024] [-- --quick] [-- --json]`.
 *
 * Upload and download of one large file through the real agent over loopback, against `cp` of the
 * same file on the same disk in the same run, alternated (cp, upload, download, cp, …) so both see
 * the same load; ratios are of medians. Each step starts after a global `sync` (untimed), so no
 * step pays for the previous one's writeback. Two timings per step: **cached** (until the last
 * byte is written, into the page cache, as `cp` reports) and **durable** (plus `sync FILE` of the
 * written file, so both sides end with the bytes on disk). With `--cold` (root) the page cache is
 * dropped before each step too, so every step reads its source from the disk, not from memory: `cp`
 * then measures the disk, where warm it measures an in-kernel memory copy (`copy_file_range`).
 *
 * On a VM that hands freed memory back to its host (virtio-balloon free page reporting), a step
 * that draws such pages for its page cache pays a host page fault per page, ~10× slower writes, at
 * random (`hot-memory.ts`). As root the bench pauses reporting for the run and primes memory first
 * (untimed), so every step writes into memory the guest holds, as on bare metal; not root, it warns.
 *
 * The agent runs as its own process (`tunnelforge start`, every built-in plugin, default config but
 * the files root and cap), so its RSS is its own: sampled from /proc every 20 ms during each
 * transfer; the growth over its RSS just before is reported (streaming keeps it flat). The client
 * is the Node client below by default: an upload sent from two reused buffers (`upload-from-file.ts`), a download written
 * to disk as the socket delivers it (`download-to-file.ts`). `--client=curl` measures with curl
 * instead (run as a separate process), whose 8 KiB writes cap a download on this VM below what the
 * agent sends. Every transfer is checked: sha256 of what landed against the source.
 *
 * stdout: the table, or with `--json` one JSON object; progress on stderr. Exit code 1 when a
 * transfer is wrong (bytes differ, an error answer), 0 otherwise (missed bars are measurements).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { startAgentProcess, type AgentProcess } from './agent-process';
import { median, MiB, round, withTimeout, type AgentEndpoint } from './common';
import { downloadToFile } from './download-to-file';
import { holdMemoryHot, type HotMemory } from './hot-memory';
import { uploadFromFile } from './upload-from-file';

interface Options {
  sizeMiB: number;
  reps: number;
  json: boolean;
  dir: string;
  /** Drop the page cache before each step (root only): every step reads its source from the disk. */
  cold: boolean;
  /** The HTTP client: the Node client below (default) or curl. */
  client: 'curl' | 'node';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { sizeMiB: 1024, reps: 3, json: false, dir: os.tmpdir(), cold: false, client: 'node' };
  for (const arg of argv) {
    if (arg === '--quick') Object.assign(options, { sizeMiB: 128, reps: 1 });
    else if (arg === '--json') options.json = true;
    else if (arg === '--cold') options.cold = true;
    else if (arg.startsWith('--size=')) options.sizeMiB = Number(arg.slice('--size='.length));
    else if (arg.startsWith('--reps=')) options.reps = Number(arg.slice('--reps='.length));
    else if (arg === '--client=curl' || arg === '--client=node') options.client = arg.slice('--client='.length) as Options['client'];
    else if (arg.startsWith('--dir=')) options.dir = path.resolve(arg.slice('--dir='.length));
    else if (arg === '--help' || arg === '-h') {
      process.stderr.write('usage: node dist/bench/files.js [--size=MiB (1024)] [--reps=N (3)] [--quick (128 MiB, 1 rep)] [--dir=PATH (temp dir)] [--cold (drop the page cache before each step; root)] [--client=node (default)|curl] [--json]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (!(options.sizeMiB > 0) || !Number.isInteger(options.reps) || options.reps < 1) throw new Error('--size must be positive and --reps a positive integer');
  return options;
}

const DROP_CACHES = '/proc/sys/vm/drop_caches';
const log = (message: string) => process.stderr.write(`[bench:files ${new Date().toISOString().slice(11, 23)}] ${message}\n`);
const mbps = (bytes: number, ms: number) => round(bytes / 1e6 / (ms / 1000), 1);

/** A file of `bytes` random bytes, written in 16 MiB pieces (random: no compression or dedup anywhere helps). */
async function makeSource(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'w');
  const hash = createHash('sha256');
  const piece = Buffer.alloc(16 * MiB);
  try {
    for (let written = 0; written < bytes; ) {
      const n = Math.min(piece.length, bytes - written);
      randomFillSync(piece, 0, n);
      hash.update(piece.subarray(0, n));
      await handle.write(piece, 0, n);
      written += n;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 4 * MiB }), hash);
  return hash.digest('hex');
}

/** Runs `transfer` while sampling the agent's RSS; returns its time and the RSS growth over the start. */
async function measured(agent: AgentProcess, transfer: () => Promise<void>): Promise<{ ms: number; rssGrowthMiB: number; rssBeforeMiB: number }> {
  const before = agent.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, agent.rss())), 20);
  const started = performance.now();
  try {
    await transfer();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - started;
  peak = Math.max(peak, agent.rss());
  return { ms, rssGrowthMiB: round((peak - before) / MiB, 1), rssBeforeMiB: round(before / MiB, 1) };
}

/** Runs a program (argv, no shell); resolves with its stdout, rejects on a non-zero exit. */
function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}`))));
  });
}

/** `cp` on the same disk: the baseline. */
const cp = (from: string, to: string) => run('cp', [from, to]).then(() => undefined);
/** fsync of one file (coreutils `sync FILE`), for the durable timings. */
const syncFile = (file: string) => run('sync', [file]).then(() => undefined);

/** The HTTP client: the Node client, or curl (headers from a 0600 file, never argv). */
interface Client {
  name: string;
  upload(dir: string, file: string, size: number, name: string): Promise<{ status: number; body: string }>;
  download(file: string, to: string): Promise<void>;
}

/** The routes the bench measures: an upload into `dir` (replacing), a download of `file`. */
const uploadUrl = (agent: AgentEndpoint, dir: string) => `${agent.httpUrl}/api/files/upload?dir=${encodeURIComponent(dir)}&overwrite=true`;
const downloadUrl = (agent: AgentEndpoint, file: string) => `${agent.httpUrl}/api/files/download?path=${encodeURIComponent(file)}`;

async function makeClient(agent: AgentEndpoint, work: string, choice: Options['client']): Promise<Client> {
  if (choice === 'node') {
    return {
      name: `node ${process.version}`,
      upload: (dir, file, _size, name) => upload(agent, dir, file, name),
      download: (file, to) => downloadToFile(downloadUrl(agent, file), { authorization: `Bearer ${agent.token}` }, to).then(() => undefined),
    };
  }
  const curl = await run('curl', ['--version']).then((out) => out.split('\n')[0].split(' ').slice(0, 2).join(' '), () => null);
  if (curl === null) throw new Error('--client=curl: curl is not installed');
  const headers = path.join(work, 'curl-headers');
  writeFileSync(headers, `Authorization: Bearer ${agent.token}\n`, { mode: 0o600 });
  return {
    name: curl,
    async upload(dir, file, size, name) {
      // uWS 20.30 refuses a Content-Length of 10^9 bytes or more: larger bodies go chunked.
      const chunked = size + 1024 >= UWS_MAX_CONTENT_LENGTH ? ['-H', 'Transfer-Encoding: chunked'] : [];
      const out = await run('curl', ['-sS', '-o', path.join(work, 'upload-answer.json'), '-w', '%{http_code}', '-H', `@${headers}`, ...chunked, '-F', `file=@${file};filename=${name}`, uploadUrl(agent, dir)]);
      return { status: Number(out), body: readFileSync(path.join(work, 'upload-answer.json'), 'utf8') };
    },
    async download(file, to) {
      const out = await run('curl', ['-sS', '-o', to, '-w', '%{http_code}', '-H', `@${headers}`, downloadUrl(agent, file)]);
      if (out !== '200') throw new Error(`download answered ${out}`);
    },
  };
}

/** uWebSockets.js 20.30 parses at most 9 digits of Content-Length (it drops larger requests unanswered). */
const UWS_MAX_CONTENT_LENGTH = 1e9;

/** Sends `file` to the agent as one multipart part, chunked, nothing buffered (`upload-from-file.ts`). */
function upload(agent: AgentEndpoint, dir: string, file: string, name: string): Promise<{ status: number; body: string }> {
  const boundary = `----tfbench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return uploadFromFile(uploadUrl(agent, dir), { authorization: `Bearer ${agent.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, head, file, tail);
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const size = Math.round(options.sizeMiB * MiB);
  const work = mkdtempSync(path.join(options.dir, 'tfbench-files-'));
  const root = path.join(work, 'root');
  mkdirSync(root);
  if (options.cold) {
    try {
      writeFileSync(DROP_CACHES, '3');
    } catch (error) {
      throw new Error(`--cold needs to write ${DROP_CACHES} (root): ${(error as Error).message}`);
    }
  }
  const free = statfsSync(work).bavail * statfsSync(work).bsize;
  if (free < size * 4.2) throw new Error(`${work} has ${round(free / MiB, 0)} MiB free; the bench needs 4× the file (${options.sizeMiB} MiB) plus room`);
  let agent: AgentProcess | null = null;
  let hot: HotMemory | null = null;
  let failed = false;
  try {
    const source = path.join(root, 'source.bin');
    log(`writing a ${options.sizeMiB} MiB random file in ${work}`);
    const sourceHash = await makeSource(source, size);
    // Up to three files of `size` are in the page cache at once (source, uploaded, downloaded).
    hot = holdMemoryHot(path.join(work, 'prime.bin'), 3 * size);
    if (hot.state === 'paused') log(`free page reporting paused for the run; ${round((3 * size) / MiB, 0)} MiB primed in ${round(hot.primeMs / 1000, 1)} s`);
    if (hot.state === 'not root') log('WARNING: this VM reports free pages to its host and the bench cannot pause that (not root): a step that draws reported pages is taxed ~10× at random');
    const running = await startAgentProcess(work, { files: { options: { roots: [root], maxUploadBytes: size + MiB } } });
    agent = running;
    const client = await makeClient(running.endpoint, work, options.client);
    log(`agent pid ${running.pid} at ${running.endpoint.httpUrl}; client ${client.name}; warming up`);
    // A small transfer each way first: lazy start-up work is not counted as growth.
    writeFileSync(path.join(work, 'warm.bin'), randomBytes(4 * MiB));
    await client.upload(root, path.join(work, 'warm.bin'), 4 * MiB, 'warm.bin');
    await client.download(path.join(root, 'warm.bin'), path.join(work, 'warm-back.bin'));

    interface Step { ms: number; durableMs: number }
    const timed = async (written: string, step: () => Promise<void>): Promise<Step & { rss: Awaited<ReturnType<typeof measured>> }> => {
      await run('sync', []); // start clean: no dirty pages of the previous step
      if (options.cold) writeFileSync(DROP_CACHES, '3'); // and, cold, nothing of the source in memory
      const rss = await measured(running, step);
      const started = performance.now();
      await syncFile(written);
      return { ms: rss.ms, durableMs: rss.ms + (performance.now() - started), rss };
    };
    const runs: Array<{ cp: Step; upload: Step & { rssGrowthMiB: number }; download: Step & { rssGrowthMiB: number } }> = [];
    for (let rep = 1; rep <= options.reps; rep++) {
      const copy = path.join(work, 'cp-copy.bin');
      const copied = await timed(copy, () => cp(source, copy));
      rmSync(copy);
      log(`rep ${rep}: cp ${mbps(size, copied.ms)} MB/s (durable ${mbps(size, copied.durableMs)})`);

      const uploaded = path.join(root, 'uploaded.bin');
      let answer = { status: 0, body: '' };
      const up = await timed(uploaded, async () => {
        answer = await withTimeout(client.upload(root, source, size, 'uploaded.bin'), 600_000, 'upload');
      });
      if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      log(`rep ${rep}: upload ${mbps(size, up.ms)} MB/s (durable ${mbps(size, up.durableMs)}), agent RSS +${up.rss.rssGrowthMiB} MiB`);

      const back = path.join(work, 'downloaded.bin');
      const down = await timed(back, () => withTimeout(client.download(uploaded, back), 600_000, 'download'));
      log(`rep ${rep}: download ${mbps(size, down.ms)} MB/s (durable ${mbps(size, down.durableMs)}), agent RSS +${down.rss.rssGrowthMiB} MiB`);

      // Correctness, outside the timings: both transfers moved exactly the source's bytes.
      const [uploadedHash, downloadedHash] = await Promise.all([sha256(uploaded), sha256(back)]);
      if (uploadedHash !== sourceHash || downloadedHash !== sourceHash) {
        failed = true;
        log(`rep ${rep}: BYTES DIFFER (upload ${uploadedHash === sourceHash ? 'ok' : 'wrong'}, download ${downloadedHash === sourceHash ? 'ok' : 'wrong'})`);
      }
      rmSync(back);
      rmSync(uploaded);
      runs.push({
        cp: { ms: round(copied.ms, 1), durableMs: round(copied.durableMs, 1) },
        upload: { ms: round(up.ms, 1), durableMs: round(up.durableMs, 1), rssGrowthMiB: up.rss.rssGrowthMiB },
        download: { ms: round(down.ms, 1), durableMs: round(down.durableMs, 1), rssGrowthMiB: down.rss.rssGrowthMiB },
      });
    }

    const rate = (pick: (r: (typeof runs)[number]) => number) => round(median(runs.map((r) => mbps(size, pick(r)))), 1);
    const cached = { cp: rate((r) => r.cp.ms), upload: rate((r) => r.upload.ms), download: rate((r) => r.download.ms) };
    const durable = { cp: rate((r) => r.cp.durableMs), upload: rate((r) => r.upload.durableMs), download: rate((r) => r.download.durableMs) };
    const uploadRss = Math.max(...runs.map((r) => r.upload.rssGrowthMiB));
    const downloadRss = Math.max(...runs.map((r) => r.download.rssGrowthMiB));
    const headline = {
      sizeMiB: options.sizeMiB,
      cache: options.cold ? 'cold' : 'warm',
      freePageReporting: hot.state,
      reps: options.reps,
      client: client.name,
      cpMBps: cached.cp,
      uploadMBps: cached.upload,
      downloadMBps: cached.download,
      uploadRatio: round(cached.upload / cached.cp, 2),
      downloadRatio: round(cached.download / cached.cp, 2),
      durableCpMBps: durable.cp,
      durableUploadMBps: durable.upload,
      durableDownloadMBps: durable.download,
      durableUploadRatio: round(durable.upload / durable.cp, 2),
      durableDownloadRatio: round(durable.download / durable.cp, 2),
      uploadRssGrowthMiB: uploadRss,
      downloadRssGrowthMiB: downloadRss,
      bytesVerified: !failed,
    };
    const machine = { date: new Date().toISOString(), node: process.version, nproc: os.availableParallelism(), kernel: `${os.type()} ${os.release()}`, loadavg: os.loadavg().map((l) => round(l, 2)), dir: work };
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ headline, runs, machine })}\n`);
    } else {
      const rows: Array<[string, string, string, string]> = [
        ['cp on the same disk (baseline), MB/s', String(headline.cpMBps), '-', ''],
        ['upload over loopback, MB/s', String(headline.uploadMBps), '-', ''],
        ['download over loopback, MB/s', String(headline.downloadMBps), '-', ''],
        ['upload / cp', String(headline.uploadRatio), '>= 0.5', headline.uploadRatio >= 0.5 ? 'PASS' : 'FAIL'],
        ['download / cp', String(headline.downloadRatio), '>= 0.5', headline.downloadRatio >= 0.5 ? 'PASS' : 'FAIL'],
        ['durable (+ fsync): cp, MB/s', String(headline.durableCpMBps), '-', ''],
        ['durable: upload / cp', String(headline.durableUploadRatio), '>= 0.5', headline.durableUploadRatio >= 0.5 ? 'PASS' : 'FAIL'],
        ['durable: download / cp', String(headline.durableDownloadRatio), '>= 0.5', headline.durableDownloadRatio >= 0.5 ? 'PASS' : 'FAIL'],
        ['agent RSS growth during upload, MiB', String(uploadRss), '< 64', uploadRss < 64 ? 'PASS' : 'FAIL'],
        ['agent RSS growth during download, MiB', String(downloadRss), '< 64', downloadRss < 64 ? 'PASS' : 'FAIL'],
        ['every byte verified (sha256)', String(!failed), 'true', failed ? 'FAIL' : 'PASS'],
      ];
      const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['scenario', 'value', 'bar', 'result'][i].length));
      const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
      process.stdout.write(`${[`${options.sizeMiB} MiB, ${options.reps} rep(s), medians, client ${client.name}, ${options.cold ? 'cold page cache (dropped before each step)' : 'warm page cache'}, free page reporting: ${hot.state}`, line(['scenario', 'value', 'bar', 'result']), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}\n`);
    }
    return failed ? 1 : 0;
  } finally {
    await agent?.stop();
    hot?.restore();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:files failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
