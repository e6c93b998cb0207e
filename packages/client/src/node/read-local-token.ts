import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LocalTokenOptions {
  /** The agent's data dir. Default: `$TUNNELFORGE_DATA_DIR`, else `~/.tunnelforge` (the agent's own default). */
  dataDir?: string;
  /** The token file's name in it (`plugins.auth-local.options.file`). Default `local-token`. */
  file?: string;
}

/** The data dir as the agent resolves it: a leading `~` is the home directory. */
export function defaultDataDir(): string {
  const configured = process.env.TUNNELFORGE_DATA_DIR;
  return expandHome(configured !== undefined && configured !== '' ? configured : '~/.tunnelforge');
}

function expandHome(dir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(os.homedir(), dir.slice(1)) : path.resolve(dir);
}

/**
 * The local token (`tfl_…`) of an agent on this machine: the `auth-local` plugin writes it to
 * `<dataDir>/local-token` (mode 0600, so only the agent's OS user can read it) and admits it as admin.
 * Throws when the file is missing (the agent never ran with this data dir, or `auth-local` is off).
 */
export async function readLocalToken(options: LocalTokenOptions = {}): Promise<string> {
  const file = path.join(options.dataDir === undefined ? defaultDataDir() : expandHome(options.dataDir), options.file ?? 'local-token');
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no local token at ${file}: is the agent started with this data dir, with auth-local on?`);
    throw error;
  }
  const token = content.trim();
  if (!token.startsWith('tfl_')) throw new Error(`${file} does not hold a local token`);
  return token;
}
