import { readdir, readFile } from 'node:fs/promises';

/** CPU time and memory of a process and all its descendants. */
export interface ProcessTreeUsage {
  /** Pids found in the tree, the root first. */
  pids: number[];
  /**
   * CPU time in clock ticks: user + system of every live process in the tree, plus the time of
   * children they already reaped (cutime + cstime), so the total keeps growing when a command exits.
   */
  cpuTicks: number;
  /** Sum of resident memory (VmRSS) in bytes. Shared pages are counted once per process. */
  rssBytes: number;
}

/** How many processes one tree may contain before the walk stops (a fork bomb must not stall sampling). */
const MAX_PROCESSES = 512;

/**
 * Walk a process tree on Linux through /proc: `/proc/<pid>/stat` for CPU ticks, `/proc/<pid>/status`
 * for VmRSS and `/proc/<pid>/task/<tid>/children` for the children (no full process scan, no child
 * process). Returns null when the root is gone.
 */
export async function readProcessTree(rootPid: number, procRoot = '/proc'): Promise<ProcessTreeUsage | null> {
  const pids: number[] = [];
  const seen = new Set<number>();
  let cpuTicks = 0;
  let rssBytes = 0;
  let level = [rootPid];
  while (level.length > 0 && pids.length < MAX_PROCESSES) {
    const next: number[] = [];
    const read = await Promise.all(level.filter((pid) => !seen.has(pid)).map((pid) => (seen.add(pid), readOne(procRoot, pid))));
    for (const entry of read) {
      if (!entry) continue;
      if (pids.length >= MAX_PROCESSES) break;
      pids.push(entry.pid);
      cpuTicks += entry.ticks;
      rssBytes += entry.rss;
      next.push(...entry.children);
    }
    if (pids.length === 0) return null;
    level = next;
  }
  return { pids, cpuTicks, rssBytes };
}

async function readOne(procRoot: string, pid: number): Promise<{ pid: number; ticks: number; rss: number; children: number[] } | null> {
  const dir = `${procRoot}/${pid}`;
  const [stat, status, children] = await Promise.all([
    readFile(`${dir}/stat`, 'utf8').catch(() => null),
    readFile(`${dir}/status`, 'utf8').catch(() => ''),
    readChildren(dir),
  ]);
  if (stat === null) return null; // exited meanwhile
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 here.
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  const rss = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return { pid, ticks: Number.isFinite(ticks) ? ticks : 0, rss: rss ? Number(rss[1]) * 1024 : 0, children };
}

async function readChildren(dir: string): Promise<number[]> {
  const tids = await readdir(`${dir}/task`).catch(() => [] as string[]);
  const lists = await Promise.all(tids.map((tid) => readFile(`${dir}/task/${tid}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number)).filter(Number.isInteger);
}
