import * as os from 'node:os';
import { LaunchdManager } from './launchd-manager';
import type { ServiceManager } from './service-manager';
import { SystemdManager } from './systemd-manager';
import { WindowsTaskManager } from './windows-task-manager';

/** The service manager of `platform`, or why there is none. */
export function createServiceManager(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): ServiceManager | string {
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  switch (platform) {
    case 'linux':
      return new SystemdManager(env, home);
    case 'darwin':
      return new LaunchdManager(env, home, process.getuid?.() ?? 501);
    case 'win32':
      return new WindowsTaskManager(env, env.USERDOMAIN && env.USERNAME ? `${env.USERDOMAIN}\\${env.USERNAME}` : (env.USERNAME ?? os.userInfo().username));
    default:
      return `service install supports Linux (systemd), macOS (launchd) and Windows (Task Scheduler); ${platform} is none of them: run tunnelforge start under your own supervisor`;
  }
}
