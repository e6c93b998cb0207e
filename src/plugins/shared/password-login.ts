import { defineCapability } from '../../plugin-api';

/** What `GET /api/auth/config` needs from password login (provided by `auth-password`). */
export interface PasswordLogin {
  /** True when more than one user exists, so a login form must ask for the user name. */
  readonly usernameRequired: boolean;
}
export const PasswordLogin = defineCapability<PasswordLogin>('PasswordLogin');
