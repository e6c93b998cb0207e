import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform, PlatformInfo } from '../../plugin-api';

/** `PlatformInfo` for the machine the agent runs on. */
export class NodePlatformInfo implements PlatformInfo {
  readonly platform = process.platform as Platform;
  readonly arch = process.arch;
  readonly release = os.release();
  readonly hostname = os.hostname();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async which(command: string): Promise<string | null> {
    return findExecutable(command, this.env.PATH ?? '', this.platform === 'win32' ? (this.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : ['']);
  }
}

/** PATH lookup without a shell. A command with a slash is checked as a path. */
export async function findExecutable(command: string, searchPath: string, extensions: string[] = ['']): Promise<string | null> {
  if (!command || command.includes('\0')) return null;
  const candidates = command.includes('/') || command.includes('\\')
    ? [path.resolve(command)]
    : searchPath.split(path.delimiter).filter(Boolean).flatMap((dir) => extensions.map((ext) => path.join(dir, command + ext)));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}
