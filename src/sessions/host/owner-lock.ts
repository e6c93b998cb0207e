import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** Who holds a lock: a process, told apart from a later one with the same pid by its start time. */
export interface LockOwner {
  pid: number;
  /** Process start time as the OS reports it (Linux: clock ticks since boot), or null where unknown. */
  startTime: number | null;
}

/** Start time of a process from /proc (Linux), or null elsewhere or when it is gone. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22; the command name (field 2) may hold spaces and parentheses, so count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** Whether the lock's owner still runs (same pid and, where known, the same start time). */
export function ownerAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.startTime === null) return true;
  const now = processStartTime(owner.pid);
  return now === null || now === owner.startTime;
}

/** This process as a lock owner. */
export function selfOwner(): LockOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/**
 * A lock file held by one live process: created exclusively with `{ pid, startTime }`; a lock whose
 * owner is dead (or a reused pid) is taken over at once. Returns a release function, or the live
 * owner when someone else holds it.
 */
export function acquireOwnerLock(file: string): { ok: true; release: () => void } | { ok: false; owner: LockOwner } {
  const me = selfOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      return { ok: true, release: () => releaseIfOwn(file, me) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(file);
    if (owner !== null && ownerAlive(owner)) return { ok: false, owner };
    // Stale (dead owner, or a half-written file): remove it and try again.
    try {
      unlinkSync(file);
    } catch {
      /* someone else removed it first */
    }
  }
  const owner = readOwner(file);
  return { ok: false, owner: owner ?? { pid: 0, startTime: null } };
}

export function readOwner(file: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return { pid: parsed.pid, startTime: typeof parsed.startTime === 'number' ? parsed.startTime : null };
  } catch {
    return null;
  }
}

function releaseIfOwn(file: string, me: LockOwner): void {
  const owner = readOwner(file);
  if (owner?.pid !== me.pid) return;
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
