import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from '../../plugin-api';
import { checkPathText } from './check-path-text';
import { fsError } from './files-errors';
import type { Jail } from './jail';

/** One completion of a partial path. */
export const completionSchema = z.object({
  name: z.string(),
  /** Absolute path; directories end with `/`, ready to type more. */
  path: z.string(),
  type: z.enum(['directory', 'file']),
});
export type Completion = z.output<typeof completionSchema>;

/**
 * Completes `prefix` (`/home/ada/pro`, `~/pro`, `~/projects/`) as a cwd picker wants: the entries of
 * its directory whose names start with its last part, directories first (links to directories
 * inside the jail count as directories), hidden ones only when the part starts with `.`, at most
 * `limit`. The directory goes through the jail like any other path.
 */
export async function completePath(jail: Jail, prefix: string, options: { directoriesOnly: boolean; limit: number }): Promise<{ directory: string; completions: Completion[]; truncated: boolean }> {
  checkPathText(prefix, 'prefix');
  const slash = prefix.lastIndexOf('/');
  const [dirText, partial] = prefix === '~' ? ['~', ''] : slash < 0 ? [prefix, ''] : [prefix.slice(0, slash) || '/', prefix.slice(slash + 1)];
  const directory = await jail.resolve(dirText);
  const dir = await jail.openDirectory(directory, JSON.stringify(dirText));
  try {
    const entries = await readdir(dir.at(), { withFileTypes: true }).catch((error: unknown) => {
      throw fsError(error, JSON.stringify(dirText));
    });
    const matches: Completion[] = [];
    for (const entry of entries) {
      if (!entry.name.startsWith(partial) || (entry.name.startsWith('.') && !partial.startsWith('.'))) continue;
      const full = path.join(dir.path, entry.name);
      if (jail.isDenied(full)) continue;
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        // A link counts when what it leads to is a directory inside the jail; the stat never leaves it.
        const real = await jail.resolve(full).catch(() => null);
        isDirectory = real !== null && (await stat(real).then((s) => s.isDirectory(), () => false));
      }
      if (options.directoriesOnly && !isDirectory) continue;
      matches.push({ name: entry.name, path: isDirectory ? `${full}/` : full, type: isDirectory ? 'directory' : 'file' });
    }
    matches.sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { directory: dir.path, completions: matches.slice(0, options.limit), truncated: matches.length > options.limit };
  } finally {
    await dir.close();
  }
}
