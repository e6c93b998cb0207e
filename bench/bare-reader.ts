/**
 * The "bare reader" baseline (issue 17): the flood producer read through node-pty in a SEPARATE
 * process that does nothing with the bytes (no hashing, no copies, no socket): it only looks for the
 * DONE marker in each chunk's tail to know when to stop. Its CPU per MB is the least any Node
 * program pays to get these bytes out of a PTY on this machine; the agent's CPU per MB is reported
 * as a ratio to it.
 *
 * Parent side: `bareReaderRun(...)` forks this file with `--child`; the child reports over IPC.
 */
import { fork } from 'node:child_process';
import * as nodePty from 'node-pty';
import { DONE_MARKER, mbps, wallMs, withTimeout, type PtyProgramOptions } from './common';

export type BareReaderOptions = PtyProgramOptions;

export interface BareReaderResult {
  /** Bytes read from the PTY between the "go" and the DONE marker (prelude and marker included). */
  bytes: number;
  chunks: number;
  /** Wall-clock ms of the first and last chunk. */
  firstAt: number;
  lastAt: number;
  /** The child's own CPU (user + system) from the "go" to the DONE marker. */
  cpuMs: number;
  sysMs: number;
  MBps: number;
}

/** One run: fork, spawn the producer there, read until DONE, report. */
export async function bareReaderRun(options: BareReaderOptions): Promise<BareReaderResult> {
  const child = fork(__filename, ['--child'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const result = new Promise<BareReaderResult>((resolve, reject) => {
      child.once('message', (message) => resolve(message as BareReaderResult));
      child.once('exit', (code) => reject(new Error(`bare reader exited with ${code} before reporting`)));
    });
    child.send(options);
    return await withTimeout(result, options.timeoutMs, 'bare reader flood');
  } finally {
    child.kill('SIGKILL');
  }
}

function runChild(options: BareReaderOptions): void {
  const marker = Buffer.from(DONE_MARKER, 'latin1');
  let bytes = 0;
  let chunks = 0;
  let firstAt = 0;
  let tail = Buffer.alloc(0);
  let cpuBefore: NodeJS.CpuUsage | null = null;
  const pty = nodePty.spawn(options.argv[0], options.argv.slice(1), {
    name: 'xterm-256color', cols: options.cols, rows: options.rows, cwd: options.cwd, env: options.env, encoding: null,
  });
  pty.onData((data) => {
    const chunk = data as unknown as Buffer;
    if (chunks === 0) firstAt = wallMs();
    chunks++;
    bytes += chunk.length;
    // Only the chunk's tail (plus the previous tail: the marker may straddle two chunks) is looked at.
    tail = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - marker.length - 2))]).subarray(-2 * marker.length - 2);
    if (tail.includes(marker)) {
      const lastAt = wallMs();
      const cpu = process.cpuUsage(cpuBefore ?? undefined);
      const result: BareReaderResult = {
        bytes, chunks, firstAt, lastAt, cpuMs: (cpu.user + cpu.system) / 1000, sysMs: cpu.system / 1000, MBps: mbps(bytes, lastAt - firstAt),
      };
      process.send?.(result, () => {
        pty.kill('SIGKILL');
        process.exit(0);
      });
    }
  });
  // The producer waits for one line before it prints; give it a moment to start first.
  setTimeout(() => {
    cpuBefore = process.cpuUsage();
    pty.write('\r');
  }, 50);
}

if (process.argv[2] === '--child') process.once('message', (options) => runChild(options as BareReaderOptions));
