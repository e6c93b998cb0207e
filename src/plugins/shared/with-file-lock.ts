import { open, rm, stat } from 'node:fs/promises';

/**
 * Run `task` while holding `lockFile` (created exclusively), so that the agent and a
 * `tunnelforge token` command never interleave their read-modify-write of the same file. A lock
 * older than `staleMs` is from a process that died and is taken over.
 */
export async function withFileLock<T>(lockFile: string, task: () => Promise<T>, { timeoutMs = 5000, staleMs = 30_000 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lockFile).then((info) => Date.now() - info.mtimeMs, () => 0);
      if (age > staleMs) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lockFile} is held by another process; remove it if no tunnelforge command or agent is writing`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lockFile, { force: true });
  }
}
