import { atomicWriteFile } from '../shared/atomic-write-file';
import { readTextFile } from '../shared/read-text-file';
import { removeStaleTempFiles } from '../shared/remove-stale-temp-files';
import { AuthState, emptyAuthState } from './auth-state';

/**
 * `auth-state.json` in the data dir: login sessions, share links and revocations, so that a logout
 * or a revoked link stays revoked after a restart. Reads come from memory; every change is applied
 * to memory at once (so the very next request sees it) and then written to disk atomically, one
 * write at a time. Expired entries are dropped on each write, which bounds the file.
 */
export class AuthStateStore {
  private state: AuthState = emptyAuthState();
  private queue: Promise<void> = Promise.resolve();

  /**
   * @param file - path of the state file (mode 0600).
   * @param now - the clock (ms).
   * @param graceMs - how long a finished family is remembered: its access tokens may outlive it by this much.
   */
  constructor(
    private readonly file: string,
    private readonly now: () => number,
    private readonly graceMs: number,
  ) {}

  /**
   * Read the file. A missing file is an empty state; a corrupt one is an error: quietly starting
   * empty would bring revoked tokens back to life.
   */
  async load(): Promise<void> {
    await removeStaleTempFiles(this.file);
    const text = await readTextFile(this.file);
    if (text === null) {
      this.state = emptyAuthState();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not valid JSON; fix or delete it (deleting logs every browser session out)`);
    }
    const result = AuthState.safeParse(parsed);
    if (!result.success) throw new Error(`${this.file} has an unexpected shape; fix or delete it (deleting logs every browser session out)`);
    this.state = result.data;
  }

  /** The current state (read only: change it through {@link mutate}). */
  get current(): Readonly<AuthState> {
    return this.state;
  }

  /**
   * Apply `change` now, then persist. Resolves once a write that includes the change is on disk.
   * `change` runs synchronously, so a check and its update cannot interleave with another request.
   */
  mutate(change: (state: AuthState) => void): Promise<void> {
    change(this.state);
    const write = this.queue.then(() => this.write());
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(): Promise<void> {
    this.prune();
    await atomicWriteFile(this.file, JSON.stringify(this.state) + '\n');
  }

  private prune(): void {
    const now = this.now();
    const { revoked, families, shares } = this.state;
    for (const [jti, expiresAt] of Object.entries(revoked)) if (expiresAt <= now) delete revoked[jti];
    for (const [id, family] of Object.entries(families)) {
      const end = family.revokedAt ?? family.expiresAt;
      if (end + this.graceMs <= now) delete families[id];
    }
    for (const [id, share] of Object.entries(shares)) if (share.expiresAt <= now) delete shares[id];
  }
}
