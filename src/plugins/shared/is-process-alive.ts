import { readProcStat } from './process-start-time';

/**
 * Whether the process that was `pid` (and, when known, started at `startTime`, see
 * readProcessStartTime) still runs. A pid that is gone, a zombie (it can no longer do anything), or
 * a pid now used by a process that started at another time is dead. Without a start time (other
 * systems, an old lock file) only the pid is checked, via signal 0: EPERM means it exists.
 */
export async function isProcessAlive(pid: number, startTime: string | null): Promise<boolean> {
  // kill(0 or negative) would signal a whole process group: never a valid owner.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  const stat = await readProcStat(pid);
  if (stat === null) return true; // /proc hidden (hidepid) or gone this instant: trust the signal check (the next look decides)
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return startTime === null || stat.startTime === startTime;
}
