import type { PlatformInfo } from './core-services';

/**
 * The absolute path of `command` on PATH (through `PlatformInfo.which`, so simulated platforms and
 * fake executables work), or a clear error. Resolve at use time: what `detect` found may be gone.
 */
export async function requireExecutable(platform: PlatformInfo, command: string): Promise<string> {
  const found = await platform.which(command);
  if (!found) throw new Error(`${command} not found on PATH`);
  return found;
}
