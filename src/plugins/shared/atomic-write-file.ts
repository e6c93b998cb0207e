import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/** Temp files this process is writing right now (removeStaleTempFiles must leave them alone). */
const inFlight = new Set<string>();

/**
 * Replace `file` with `data` so that readers (the agent, the CLI, another agent start) see either
 * the old or the new content, never a half-written one: write a private temp file next to it
 * (mode 0600 from creation, so the secret is never readable by others, not even briefly), flush
 * it to disk, then rename it over the original. The directory is created with mode 0700.
 *
 * The temp file is `<file>.<pid>.<hex>.tmp`: a crash between creating and renaming it leaves it
 * behind, and the pid in its name is what lets removeStaleTempFiles clean it up at the next start.
 */
export async function atomicWriteFile(file: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  inFlight.add(tmp);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync(); // a revocation that was answered must survive a crash
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  } finally {
    inFlight.delete(tmp);
  }
}

/** Whether `tmp` is a temp file an atomicWriteFile of this process is writing now. */
export function isAtomicWriteInFlight(tmp: string): boolean {
  return inFlight.has(tmp);
}
