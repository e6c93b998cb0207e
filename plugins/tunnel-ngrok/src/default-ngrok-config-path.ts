import * as os from 'node:os';
import * as path from 'node:path';
import type { Platform } from 'tunnelforge/plugin';

/** Where ngrok v3 keeps its config file by default (`ngrok config check` prints the same). */
export function defaultNgrokConfigPath(platform: Platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ngrok', 'ngrok.yml');
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'ngrok', 'ngrok.yml');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'ngrok', 'ngrok.yml');
}
