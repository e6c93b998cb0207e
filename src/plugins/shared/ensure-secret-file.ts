import { chmod, stat } from 'node:fs/promises';
import { atomicWriteFile } from './atomic-write-file';
import { readTextFile } from './read-text-file';
import { removeStaleTempFiles } from './remove-stale-temp-files';

/** What {@link ensureSecretFile} found or made. */
export interface SecretFile {
  value: string;
  /** The file did not exist (or held no valid secret) and was written now. */
  created: boolean;
  /** The file was readable by group or others and was reset to 0600. */
  tightened: boolean;
}

/**
 * A secret kept in one file of the data dir, made once and reused on every start (so signed tokens
 * survive restarts). The file is mode 0600; a looser mode is tightened and reported. A file whose
 * content fails `isValid` is an error rather than silently replaced, since replacing a signing key
 * logs everyone out and may hide tampering.
 */
export async function ensureSecretFile(file: string, generate: () => string, isValid: (value: string) => boolean): Promise<SecretFile> {
  await removeStaleTempFiles(file);
  const content = await readTextFile(file);
  if (content !== null) {
    const value = content.trim();
    if (!isValid(value)) throw new Error(`${file} does not hold a valid secret; delete it to have a new one made (this invalidates what it signed)`);
    const tightened = process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0;
    if (tightened) await chmod(file, 0o600);
    return { value, created: false, tightened };
  }
  const value = generate();
  await atomicWriteFile(file, value + '\n');
  return { value, created: true, tightened: false };
}
