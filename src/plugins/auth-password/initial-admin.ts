import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { atomicWriteFile } from '../shared/atomic-write-file';
import { readTextFile } from '../shared/read-text-file';
import { removeStaleTempFiles } from '../shared/remove-stale-temp-files';
import { hashPassword, parsePasswordHash } from './password-hash';
import { passwordVersion } from './password-version';
import type { PasswordUser } from './password-user';

/** Where the generated admin's hash lives, and where its password is written once. */
export const ADMIN_HASH_FILE = 'admin-password.json';
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/**
 * The `admin` user for an agent with no configured users and no `TUNNELFORGE_PASSWORD`, so that a
 * fresh install is never open. On first start a random password is generated; only its hash is
 * kept (`admin-password.json`), and the password itself is written once to `initial-admin-password`
 * (mode 0600) for the owner to read. Later starts reuse the hash. Delete `admin-password.json` to
 * get a new password.
 */
export async function ensureInitialAdmin(dataDir: string): Promise<{ user: PasswordUser; created: boolean; passwordFile: string; passwordFileExists: boolean }> {
  const hashFile = path.join(dataDir, ADMIN_HASH_FILE);
  const passwordFile = path.join(dataDir, INITIAL_PASSWORD_FILE);
  await removeStaleTempFiles(hashFile);
  await removeStaleTempFiles(passwordFile);
  const stored = await readTextFile(hashFile);
  if (stored !== null) {
    let passwordHash: unknown;
    try {
      passwordHash = (JSON.parse(stored) as { passwordHash?: unknown }).passwordHash;
    } catch {
      passwordHash = undefined;
    }
    const hash = typeof passwordHash === 'string' ? parsePasswordHash(passwordHash) : null;
    if (hash === null) throw new Error(`${hashFile} does not hold a password hash; delete it to have a new admin password generated`);
    return { user: { username: 'admin', role: 'admin', hash, version: passwordVersion(passwordHash as string) }, created: false, passwordFile, passwordFileExists: (await readTextFile(passwordFile)) !== null };
  }
  // 144 random bits: beyond guessing even without the rate limit.
  const password = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  // The password file first: if writing the hash fails, the next start simply starts over.
  await atomicWriteFile(passwordFile, password + '\n');
  await atomicWriteFile(hashFile, JSON.stringify({ username: 'admin', role: 'admin', passwordHash }, null, 2) + '\n');
  return { user: { username: 'admin', role: 'admin', hash: parsePasswordHash(passwordHash)!, version: passwordVersion(passwordHash) }, created: true, passwordFile, passwordFileExists: true };
}
