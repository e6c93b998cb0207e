import type { Role } from '../../plugin-api';
import type { ParsedPasswordHash } from './password-hash';

/** A user who may log in with a password. */
export interface PasswordUser {
  username: string;
  role: Role;
  hash: ParsedPasswordHash;
  /**
   * Fingerprint of the stored hash (see `passwordVersion`): login sessions granted for an older
   * password end when it changes. None for `TUNNELFORGE_PASSWORD`, whose hash is new on every start.
   */
  version?: string;
}
