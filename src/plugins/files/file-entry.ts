import type { Stats } from 'node:fs';
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from '../../plugin-api';
import type { Jail } from './jail';

/** The kind of an entry as `lstat` sees it (a link is a link, whatever it points at). */
export const entryType = z.enum(['file', 'directory', 'symlink', 'other']);
export type EntryType = z.output<typeof entryType>;

/** One directory entry as the files routes answer it. */
export const fileEntrySchema = z.object({
  name: z.string(),
  /** Absolute path (its parent's real path joined with the name). */
  path: z.string(),
  type: entryType,
  /** Bytes (of the link itself for a symlink). */
  size: z.number().int().min(0),
  /** ISO time of the last modification. */
  mtime: z.string(),
  /** Permission bits in octal, e.g. `0644` (with setuid/setgid/sticky when set). */
  mode: z.string().regex(/^0[0-7]{3,4}$/),
  /** A symlink's target as stored in the link (may be relative); `null` for other entries. */
  target: z.string().nullable(),
  /** What a symlink leads to when that is inside the roots; `null` when broken, outside or not a link. */
  targetType: entryType.nullable(),
});
export type FileEntry = z.output<typeof fileEntrySchema>;

/** The type of an entry from its `lstat`. */
export function typeOf(stats: Stats): EntryType {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  return 'other';
}

/**
 * Describes the entry `name` of the directory whose real path is `dir`; `at` is the name to stat it
 * by (an opened directory's `at(name)`). A link's target is reported as written; what it leads to
 * is looked at only when it stays inside the jail, so a listing never stats anything outside.
 */
export async function describeEntry(dir: string, name: string, at: string, jail: Jail): Promise<FileEntry> {
  const stats = await lstat(at);
  const type = typeOf(stats);
  let target: string | null = null;
  let targetType: EntryType | null = null;
  if (type === 'symlink') {
    target = await readlink(at).catch(() => null);
    const real = await realpath(path.join(dir, name)).catch(() => null);
    if (real !== null && jail.isInsideRoots(real) && !jail.isDenied(real)) targetType = await stat(real).then(typeOf, () => null);
  }
  return {
    name,
    path: path.join(dir, name),
    type,
    size: stats.size,
    mtime: stats.mtime.toISOString(),
    mode: `0${(stats.mode & 0o7777).toString(8).padStart(3, '0')}`,
    target,
    targetType,
  };
}
