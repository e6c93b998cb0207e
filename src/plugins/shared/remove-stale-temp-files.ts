import { readdir, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isAtomicWriteInFlight } from './atomic-write-file';
import { isProcessAlive } from './is-process-alive';

/** A temp file whose writer still runs is left alone, unless it is older than this (its pid was reused). */
const ALIVE_WRITER_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * Remove what interrupted writes of `file` left next to it: `<file>.<pid>[.<hex>].tmp` (an
 * atomicWriteFile that crashed before its rename) and `<file>.<pid>.<hex>.stale` (a lock takeover of an earlier version
 * that crashed, for lock files). A file is removed when its writer is dead, when it is this process
 * (and no write of ours is using it: a leftover of an earlier process with the same pid), or when it
 * is over an hour old. Called when a store opens its file; never throws (a cleanup must not keep
 * the agent from starting). Returns the names removed.
 */
export async function removeStaleTempFiles(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const pattern = new RegExp(`^${escapeRegExp(path.basename(file))}\\.(\\d+)(?:\\.[0-9a-f]+)?\\.(?:tmp|stale)$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null) continue;
    const full = path.join(dir, name);
    const pid = Number(match[1]);
    try {
      let stale: boolean;
      if (pid === process.pid) stale = !isAtomicWriteInFlight(full);
      else stale = !(await isProcessAlive(pid, null)) || Date.now() - (await stat(full)).mtimeMs > ALIVE_WRITER_MAX_AGE_MS;
      if (!stale) continue;
      await rm(full, { force: true });
      removed.push(name);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
