import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import { isProcessAlive } from '../../plugins/shared/is-process-alive';
import { currentLockOwner, parseLockOwner, type LockOwner } from '../../plugins/shared/lock-owner';

export type { LockOwner };

/** Whether the lock's owner still runs (same pid and, where known, the same start time; another host's is assumed alive). */
export async function ownerAlive(owner: LockOwner): Promise<boolean> {
  if (owner.host !== null && owner.host !== os.hostname()) return true;
  return isProcessAlive(owner.pid, owner.startTime);
}

/** The owner recorded in a lock file, or null (no file, or not a lock this or an older version wrote). */
export async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    return parseLockOwner(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * A lock file held by one live process: created exclusively with its owner record (the same format
 * as the token store's locks); a lock whose owner is dead (or a reused pid) is taken over at once.
 * Returns a release function, or the live owner when someone else holds it.
 */
export async function acquireOwnerLock(file: string): Promise<{ ok: true; release: () => void } | { ok: false; owner: LockOwner }> {
  const me = await currentLockOwner();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return { ok: true, release: () => releaseIfOwn(file, me) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(file);
    if (owner !== null && (await ownerAlive(owner))) return { ok: false, owner };
    // Stale (dead owner, or a half-written file): remove it and try again.
    try {
      unlinkSync(file);
    } catch {
      /* someone else removed it first */
    }
  }
  const owner = await readOwner(file);
  return { ok: false, owner: owner ?? { pid: 0, startTime: null, host: null, nonce: null } };
}

/** Remove the lock if it is still ours (synchronous: also safe from an exit handler). */
function releaseIfOwn(file: string, me: LockOwner): void {
  try {
    const owner = parseLockOwner(readFileSync(file, 'utf8'));
    if (owner?.nonce !== me.nonce) return;
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
