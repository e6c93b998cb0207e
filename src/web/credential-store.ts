import type { Credential } from './credential';

const LOGIN_KEY = 'tunnelforge.credential';
const SHARE_KEY = 'tunnelforge.share';

/**
 * Where the page keeps its credential. A login (or pasted token) lives in localStorage, so every
 * tab of this origin is logged in; a share link's token lives in sessionStorage (this tab only)
 * and wins while it is there. Nothing is ever put in a cookie or a URL.
 */
export class CredentialStore {
  constructor(private readonly persistent: Storage, private readonly tab: Storage) {}

  get(): Credential | null {
    return this.read(this.tab, SHARE_KEY) ?? this.read(this.persistent, LOGIN_KEY);
  }

  save(credential: Credential): void {
    if (credential.kind === 'share') this.tab.setItem(SHARE_KEY, JSON.stringify(credential));
    else this.persistent.setItem(LOGIN_KEY, JSON.stringify(credential));
  }

  /** Forget the credential in use (the share link first, if there is one). */
  clear(): void {
    if (this.tab.getItem(SHARE_KEY) !== null) this.tab.removeItem(SHARE_KEY);
    else this.persistent.removeItem(LOGIN_KEY);
  }

  private read(storage: Storage, key: string): Credential | null {
    try {
      const value = JSON.parse(storage.getItem(key) ?? 'null') as Credential | null;
      return value && typeof value.token === 'string' && value.token !== '' ? value : null;
    } catch {
      storage.removeItem(key);
      return null;
    }
  }
}
