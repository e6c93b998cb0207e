import { readFile } from 'node:fs/promises';

/**
 * When process `pid` started, as the kernel counts it (Linux: field 22 of `/proc/<pid>/stat`, clock
 * ticks since boot), or `null` where that is not available (other systems, no such process). With
 * the pid it names one process for good: a pid is reused, a pid with its start time never is.
 */
export async function readProcessStartTime(pid: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  const stat = await readProcStat(pid);
  return stat?.startTime ?? null;
}

/** The fields of `/proc/<pid>/stat` that tell whether a process still runs and which one it is. */
export async function readProcStat(pid: number): Promise<{ state: string; startTime: string } | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || startTime === undefined || !/^\d+$/.test(startTime)) return null;
  return { state, startTime };
}
