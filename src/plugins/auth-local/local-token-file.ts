import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { atomicWriteFile } from '../shared/atomic-write-file';
import { removeStaleTempFiles } from '../shared/remove-stale-temp-files';

/** Prefix that marks local tokens, so other authenticators can tell them apart. */
export const LOCAL_TOKEN_PREFIX = 'tfl_';
const TOKEN_PATTERN = /^tfl_[A-Za-z0-9_-]{43}$/;

/**
 * The local token file: created once with mode 0600 inside a 0700 data dir, kept across restarts.
 * Returns the token and whether the file's permissions had to be tightened.
 */
export async function ensureLocalToken(file: string): Promise<{ token: string; created: boolean; tightened: boolean }> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await removeStaleTempFiles(file);
  try {
    const [content, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    const token = content.trim();
    if (TOKEN_PATTERN.test(token)) {
      const tightened = process.platform !== 'win32' && (info.mode & 0o077) !== 0;
      if (tightened) await chmod(file, 0o600);
      return { token, created: false, tightened };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = LOCAL_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  // Atomic (temp file created 0600, flushed, renamed): a crash never leaves a half-written token.
  await atomicWriteFile(file, token + '\n');
  return { token, created: true, tightened: false };
}
