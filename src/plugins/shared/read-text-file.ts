import { readFile } from 'node:fs/promises';

/** The file's content, or `null` when it does not exist (any other error is thrown). */
export async function readTextFile(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
