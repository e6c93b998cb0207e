import { randomBytes } from 'node:crypto';
import type { Logger } from '../../plugin-api';
import type { PasswordLogin } from '../shared/password-login';
import { DEFAULT_SCRYPT_PARAMS, type ParsedPasswordHash } from './password-hash';
import type { PasswordUser } from './password-user';

/** Who may log in, and what to check a password against. */
export class PasswordDirectory implements PasswordLogin {
  private users = new Map<string, PasswordUser>();
  /** Checked for unknown user names, so they cost as much as a wrong password and look the same. */
  private decoy: ParsedPasswordHash = decoyFor(undefined);

  /** Tells a person how to log in; set with the users, said once the agent's URL is known. */
  private announcer: (log: Logger, loginUrl: string) => void = () => {};

  setUsers(users: readonly PasswordUser[], announce?: (log: Logger, loginUrl: string) => void): void {
    this.users = new Map(users.map((user) => [user.username, user]));
    this.decoy = decoyFor(users[0]?.hash);
    if (announce) this.announcer = announce;
  }

  /** Logs where the users came from and how to log in at `loginUrl` (never a password). */
  announce(log: Logger, loginUrl: string): void {
    this.announcer(log, loginUrl);
  }

  /** The user with this name, if any. */
  get(username: string): PasswordUser | undefined {
    return this.users.get(username);
  }

  get usernameRequired(): boolean {
    return this.users.size > 1;
  }

  get size(): number {
    return this.users.size;
  }

  /**
   * The user to check and the hash to check against. Without a user name, the only user (when
   * there is exactly one). `user` is null for an unknown name; the hash is then the decoy.
   */
  lookup(username: string | undefined): { user: PasswordUser | null; hash: ParsedPasswordHash } | 'username-required' {
    if (username === undefined) {
      if (this.users.size !== 1) return 'username-required';
      const [only] = this.users.values();
      return { user: only, hash: only.hash };
    }
    const user = this.users.get(username) ?? null;
    return { user, hash: user?.hash ?? this.decoy };
  }
}

/** A hash no password matches (random key), with the same cost as `like`. */
function decoyFor(like: ParsedPasswordHash | undefined): ParsedPasswordHash {
  const { N, r, p } = like ?? DEFAULT_SCRYPT_PARAMS;
  return { N, r, p, salt: randomBytes(16), hash: randomBytes(like?.hash.length ?? 32) };
}
