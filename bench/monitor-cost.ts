/**
 * What does host monitoring cost the agent? Runs the built-in `monitor-system` and `monitor-api`
 * plugins in a real kernel, sampling every second (the fastest allowed interval) with a few live
 * sessions, and compares the process's CPU time with the same process idle for the same duration.
 *
 *   npm run build && node dist/bench/monitor-cost.js [--quick] [--duration <s>] [--sessions <n>] [--si-only] [--json]
 *
 * --quick: 10 s per phase instead of 60 s. --si-only: systeminformation for everything, no /proc
 * readers (for comparison). The cost is reported in percent of one core, for the agent process
 * itself and including the child processes it started (systeminformation runs `df`, and without
 * the /proc readers a shell per sample for CPU and network).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { definePlugin, SessionManager, type SessionInfo } from '../src/plugin-api';
import monitorApi from '../src/plugins/monitor-api';
import monitorSystem from '../src/plugins/monitor-system';
import { startTestKernel } from '../src/testkit/start-test-kernel';

interface Options {
  seconds: number;
  sessions: number;
  siOnly: boolean;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { seconds: 60, sessions: 4, siOnly: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.seconds = 10;
    else if (arg === '--duration') options.seconds = positive(argv[++i], arg);
    else if (arg === '--sessions') options.sessions = Math.floor(positive(argv[++i], arg, true));
    else if (arg === '--si-only') options.siOnly = true;
    else if (arg === '--json') options.json = true;
    else throw new Error(`unknown option ${arg} (use --quick, --duration <s>, --sessions <n>, --si-only, --json)`);
  }
  return options;
}

function positive(text: string | undefined, flag: string, zeroOk = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < (zeroOk ? 0 : 1)) throw new Error(`${flag} needs a ${zeroOk ? 'non-negative' : 'positive'} number`);
  return value;
}

/** CPU time in ms: the process itself, and its reaped children (Linux /proc/self/stat cutime + cstime). */
function cpuNow(): { own: number; children: number } {
  const usage = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) * 10; // USER_HZ = 100 ticks per second
  } catch {
    // Not Linux: children are not counted.
  }
  return { own: (usage.user + usage.system) / 1000, children };
}

/** CPU used during `seconds` of wall time while `during` runs, in percent of one core. */
async function measure(seconds: number): Promise<{ ownPercent: number; childrenPercent: number }> {
  const before = cpuNow();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = performance.now() - started;
  const after = cpuNow();
  return { ownPercent: (100 * (after.own - before.own)) / elapsed, childrenPercent: (100 * (after.children - before.children)) / elapsed };
}

/** Sessions backed by real process trees (a shell with a child), so per-session sampling has work to do. */
function sessionsPlugin(children: ChildProcess[]) {
  const sessions: SessionInfo[] = children.map((child, i) => ({
    id: `bench-${i}`, name: `bench ${i}`, command: ['sh'], cwd: '/', pid: child.pid ?? null, state: 'running', exitCode: null, signal: null,
    cols: 80, rows: 24, createdAt: new Date().toISOString(), exitedAt: null, clients: 1, outputBytes: 0, hostId: null, lost: null, recording: false, title: null, lastOutputAt: null, active: false, foreground: null, lastCommand: null,
  }));
  const unsupported = () => {
    throw new Error('not supported in the benchmark');
  };
  const manager: SessionManager = {
    list: () => sessions,
    get: (id) => sessions.find((s) => s.id === id),
    create: unsupported, rename: unsupported, resize: unsupported, write: unsupported, sendKey: unsupported, kill: unsupported, remove: unsupported, screenText: unsupported,
  };
  return definePlugin({ id: 'bench-sessions', apiVersion: 1, provides: [SessionManager], register: (reg) => reg.provide(SessionManager, { create: () => manager }) });
}

const pct = (n: number) => `${n.toFixed(2)}%`;

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // Own process groups, so the whole tree can be killed at the end (no orphaned sleep).
  const children = Array.from({ length: options.sessions }, () => spawn('sh', ['-c', 'sleep 3600 & wait'], { stdio: 'ignore', detached: true }));
  try {
    // Idle baseline first: the same process, nothing sampling (after the spawns above have settled).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = await measure(options.seconds);

    const tk = await startTestKernel({
      plugins: [sessionsPlugin(children), monitorSystem, monitorApi],
      config: { plugins: { 'monitor-api': { options: { intervalMs: 1000 } }, 'monitor-system': { options: { procfs: !options.siOnly } } } },
    });
    const rounds = () => tk.events.filter((e) => e.type === 'monitor.sample').length;
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000)); // warm-up: activation and first rounds are not steady state
      const before = rounds();
      const sampling = await measure(options.seconds);
      const roundsMeasured = rounds() - before;
      const result = {
        intervalMs: 1000,
        seconds: options.seconds,
        sessions: options.sessions,
        procfs: !options.siOnly,
        rounds: roundsMeasured,
        idle,
        sampling,
        costPercentOfOneCore: sampling.ownPercent - idle.ownPercent,
        costWithChildrenPercentOfOneCore: sampling.ownPercent + sampling.childrenPercent - idle.ownPercent - idle.childrenPercent,
      };
      if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        process.stdout.write(
          [
            `monitor-cost: monitor-system + monitor-api sampling every 1 s for ${options.seconds} s, ${options.sessions} sessions, ${options.siOnly ? 'systeminformation only' : '/proc readers on Linux'}`,
            `  idle:      agent ${pct(idle.ownPercent)} of one core, children ${pct(idle.childrenPercent)}`,
            `  sampling:  agent ${pct(sampling.ownPercent)} of one core, children ${pct(sampling.childrenPercent)} (${roundsMeasured} rounds)`,
            `  cost:      ${pct(result.costPercentOfOneCore)} of one core in the agent process; ${pct(result.costWithChildrenPercentOfOneCore)} including its child processes`,
            '',
          ].join('\n'),
        );
      }
    } finally {
      await tk.stop();
    }
  } finally {
    for (const child of children) if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`monitor-cost: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
