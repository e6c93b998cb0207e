import { open, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import { isProcessAlive } from './is-process-alive';
import { currentLockOwner, parseLockOwner } from './lock-owner';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up waiting for a live holder after this long (default 5 s). */
  timeoutMs?: number;
  /**
   * A lock from another host (its pid cannot be checked here) is taken over once its file is this
   * old (default 30 s).
   */
  staleMs?: number;
  /**
   * A lock file without a readable owner (a crash between creating it and writing the owner, which
   * takes microseconds) is taken over once this old (default 2 s).
   */
  unreadableStaleMs?: number;
}

/** Nonces of the locks this process holds right now (a lock with our pid and another nonce is a leftover). */
const held = new Set<string>();

/**
 * Run `task` while holding `lockFile`, so that the agent and a `tunnelforge token` command never
 * interleave their read-modify-write of the same file.
 *
 * The lock file says who holds it: pid, process start time (Linux; a pid alone is reused, in
 * containers often at once: every agent is pid 1), host and a nonce. A lock whose owner is dead
 * (no such process, a zombie, or the pid now belongs to a process that started at another time) is
 * taken over at once, so a `kill -9` while holding the lock costs the next writer nothing. Only
 * locks whose owner cannot be checked (another host, an unreadable file) fall back to their age.
 */
export async function withFileLock<T>(lockFile: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { timeoutMs = 5000, staleMs = 30_000, unreadableStaleMs = 2000 } = options;
  const owner = await currentLockOwner();
  const content = JSON.stringify(owner) + '\n';
  const deadline = Date.now() + timeoutMs;
  held.add(owner.nonce!);
  try {
    for (;;) {
      if (await tryCreate(lockFile, content)) break;
      const holder = await inspect(lockFile);
      if (holder === null) continue; // released just now
      if ((await isAbandoned(holder, staleMs, unreadableStaleMs)) && (await takeOver(lockFile, holder, unreadableStaleMs))) continue;
      if (Date.now() > deadline) {
        throw new Error(`${lockFile} is held by another process (${describe(holder.text)}); remove it if no tunnelforge command or agent is writing`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    try {
      return await task();
    } finally {
      await release(lockFile, content);
    }
  } finally {
    held.delete(owner.nonce!);
  }
}

interface Holder {
  text: string;
  ino: bigint;
  ageMs: number;
}

async function tryCreate(lockFile: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(lockFile, { force: true });
    throw error;
  }
  await handle.close();
  return true;
}

/** The current lock file's content, inode and age; null when there is none. */
async function inspect(lockFile: string): Promise<Holder | null> {
  try {
    const info = await stat(lockFile, { bigint: true });
    const text = await readFile(lockFile, 'utf8');
    return { text, ino: info.ino, ageMs: Date.now() - Number(info.mtimeMs) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function isAbandoned(holder: Holder, staleMs: number, unreadableStaleMs: number): Promise<boolean> {
  const owner = parseLockOwner(holder.text);
  if (owner === null) return holder.ageMs > unreadableStaleMs;
  if (owner.host !== null && owner.host !== os.hostname()) return holder.ageMs > staleMs;
  // Our own pid: a lock this process holds (another task of ours), or one left by an earlier
  // process that had the same pid.
  if (owner.pid === process.pid) return owner.nonce === null || !held.has(owner.nonce);
  return !(await isProcessAlive(owner.pid, owner.startTime));
}

/**
 * Remove an abandoned lock without ever removing a fresh one: another waiter may have judged the
 * same dead lock, removed it and taken a new lock a moment ago. Takeovers are serialized by a guard
 * file (`<lock>.takeover`, created exclusively): under it, the lock is removed only if it is still
 * the very lock judged dead (same inode, same content). Nobody else replaces an existing lock file
 * (its dead owner will not release it, and any other remover would need the guard), so the check
 * and the removal cannot be split by another writer. Returns whether to retry at once.
 */
async function takeOver(lockFile: string, judged: Holder, unreadableStaleMs: number): Promise<boolean> {
  const guard = `${lockFile}.takeover`;
  try {
    await (await open(guard, 'wx', 0o600)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another waiter is taking over (microseconds); a guard left by a crash in that window goes once old.
    const info = await stat(guard).catch(() => null);
    if (info !== null && Date.now() - info.mtimeMs > unreadableStaleMs) await rm(guard, { force: true });
    return false;
  }
  try {
    const current = await inspect(lockFile);
    if (current !== null && current.ino === judged.ino && current.text === judged.text) await rm(lockFile, { force: true });
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

/** Remove the lock if it is still ours (a takeover race may, in theory, have replaced it). */
async function release(lockFile: string, content: string): Promise<void> {
  const text = await readFile(lockFile, 'utf8').catch(() => null);
  if (text === content) await rm(lockFile, { force: true });
}

function describe(text: string): string {
  const owner = parseLockOwner(text);
  if (owner === null) return 'owner unknown';
  return `pid ${owner.pid}${owner.host !== null && owner.host !== os.hostname() ? ` on ${owner.host}` : ''}`;
}
