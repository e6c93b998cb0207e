import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Replace `file` with `data` so that readers (the agent, the CLI, another agent start) see either
 * the old or the new content, never a half-written one: write a private temp file next to it
 * (mode 0600 from creation, so the secret is never readable by others, not even briefly), flush
 * it to disk, then rename it over the original. The directory is created with mode 0700.
 */
export async function atomicWriteFile(file: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
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
}
