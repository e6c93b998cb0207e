import type { Logger } from '../../plugin-api';
import type { AuthPasswordConfig } from './auth-password-config';
import { ensureInitialAdmin } from './initial-admin';
import { hashPassword, parsePasswordHash } from './password-hash';
import { passwordVersion } from './password-version';
import type { PasswordUser } from './password-user';

/** Environment variable that sets the password of a single `admin` user. */
export const PASSWORD_ENV = 'TUNNELFORGE_PASSWORD';

/** The users who may log in, and how to tell a person to log in (once the real URL is known). */
export interface LoadedPasswordUsers {
  users: PasswordUser[];
  /** Logs where the users came from and how to log in at `loginUrl`, never a password. */
  announce(log: Logger, loginUrl: string): void;
}

/**
 * The users who may log in, from the first source that has any: the config's `users`, then
 * `TUNNELFORGE_PASSWORD` (one `admin`), then a generated admin password (first start) kept in the
 * data dir. The environment variable is removed from the agent's environment once hashed, so
 * terminal sessions started by the agent do not inherit it.
 */
export async function loadPasswordUsers(config: AuthPasswordConfig, dataDir: string): Promise<LoadedPasswordUsers> {
  if (config.users.length > 0) {
    const users = config.users.map((u) => ({ username: u.username, role: u.role, hash: parsePasswordHash(u.passwordHash)!, version: passwordVersion(u.passwordHash) }));
    return {
      users,
      announce: (log, url) => log.info(`password login: ${users.length} user${users.length === 1 ? '' : 's'} from the config; log in at ${url}`, { users: users.map((u) => u.username), url }),
    };
  }
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    delete process.env[PASSWORD_ENV];
    const hash = parsePasswordHash(await hashPassword(fromEnv))!;
    return {
      users: [{ username: 'admin', role: 'admin', hash }],
      announce: (log, url) => log.info(`password login: log in at ${url} as "admin" with the password from ${PASSWORD_ENV}`, { user: 'admin', url }),
    };
  }
  const admin = await ensureInitialAdmin(dataDir);
  return {
    users: [admin.user],
    announce(log, url) {
      if (admin.passwordFileExists) {
        log.info(`password login: log in at ${url} as "admin" with the password in ${admin.passwordFile}`, { user: 'admin', url, file: admin.passwordFile, generated: admin.created });
        if (!admin.created) log.info('delete the initial password file once the password is stored somewhere safe', { file: admin.passwordFile });
      } else {
        log.info(`password login: log in at ${url} as "admin" (generated password; delete admin-password.json in the data dir to get a new one)`, { user: 'admin', url });
      }
    },
  };
}
