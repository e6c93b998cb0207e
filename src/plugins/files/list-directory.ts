import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { describeEntry, type FileEntry } from './file-entry';
import { fsError } from './files-errors';
import type { Jail } from './jail';

/** One page of a directory. */
export interface DirectoryPage {
  /** The directory's real path. */
  path: string;
  /** Its parent when that is inside the jail too, else `null` (a root). */
  parent: string | null;
  /** Entries in the directory (the denied data dir left out). */
  total: number;
  offset: number;
  entries: FileEntry[];
  /** `offset` of the next page, `null` on the last one. */
  nextOffset: number | null;
}

const STAT_BATCH = 32;
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Lists the real directory `real`: directories first, then by name (natural order, case folded,
 * ties by code point so the order is total), `limit` entries from `offset`. Names are read and
 * sorted whole (cheap even for 100,000 entries); only the page's entries are stat'ed. Works in
 * the directory as opened and verified by the jail.
 */
export async function listDirectory(jail: Jail, real: string, offset: number, limit: number, what: string): Promise<DirectoryPage> {
  const dir = await jail.openDirectory(real, what);
  try {
    const names = await readdir(dir.at(), { withFileTypes: true }).catch((error: unknown) => {
      throw fsError(error, what);
    });
    const visible = names.filter((entry) => !jail.isDenied(path.join(dir.path, entry.name)));
    visible.sort((a, b) => Number(b.isDirectory()) - Number(a.isDirectory()) || collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = visible.slice(offset, offset + limit);
    const entries: FileEntry[] = [];
    // In batches: parallel enough for a slow disk, without thousands of stats queued at once.
    for (let start = 0; start < page.length; start += STAT_BATCH) {
      const batch = page.slice(start, start + STAT_BATCH);
      // An entry removed between readdir and lstat is simply not listed.
      const described = await Promise.all(batch.map((entry) => describeEntry(dir.path, entry.name, dir.at(entry.name), jail).catch(() => null)));
      for (const entry of described) if (entry !== null) entries.push(entry);
    }
    const parent = path.dirname(dir.path);
    return {
      path: dir.path,
      parent: parent !== dir.path && jail.isInsideRoots(parent) && !jail.isDenied(parent) ? parent : null,
      total: visible.length,
      offset,
      entries,
      nextOffset: offset + limit < visible.length ? offset + limit : null,
    };
  } finally {
    await dir.close();
  }
}
