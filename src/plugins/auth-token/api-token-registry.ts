import { stat } from 'node:fs/promises';
import type { Logger, Role } from '../../plugin-api';
import type { ApiTokenInfo, ApiTokens } from '../shared/api-tokens';
import type { ApiTokenFile, StoredApiToken } from './api-token-file';

/** How often (at most) the agent looks at the token file for changes made by the CLI. */
const CHECK_INTERVAL_MS = 1000;
/** For an id it does not know (a token created a moment ago), it looks sooner, but still bounded. */
const UNKNOWN_ID_INTERVAL_MS = 100;

/**
 * The agent's view of the API token file. Lookups come from memory; at most once a second a lookup
 * first checks the file's identity (mtime, size, inode) and re-reads it when it changed, so a
 * `tunnelforge token revoke` takes effect within a second without a timer running while idle. A
 * file that cannot be read is treated as empty: a broken store must not keep revoked tokens alive.
 */
export class ApiTokenRegistry implements ApiTokens {
  private tokens = new Map<string, StoredApiToken>();
  private stamp: string | null = null;
  private checkedAt = -Infinity;
  private loading: Promise<void> | null = null;
  private opened: { store: ApiTokenFile; log: Logger; now: () => number } | null = null;
  private onRemoved: (id: string) => void = () => undefined;

  /**
   * Start using `store` (in `activate`) and load it. `onRemoved` hears of every token that leaves the
   * store while open (revoked here or by `tunnelforge token revoke`), so its connections can be closed.
   */
  async open(store: ApiTokenFile, log: Logger, now: () => number, onRemoved?: (id: string) => void): Promise<void> {
    this.opened = { store, log, now };
    if (onRemoved) this.onRemoved = onRemoved;
    this.checkedAt = -Infinity;
    this.stamp = null;
    const removed = await store.removeLeftovers();
    if (removed.length > 0) log.info('removed temp files of interrupted writes', { files: removed });
    await this.refresh(0);
  }

  /** Stop (in `deactivate`): every lookup finds nothing from now on. */
  close(): void {
    this.opened = null;
    this.tokens = new Map();
  }

  /** The agent's clock (ms). */
  now(): number {
    return this.opened?.now() ?? Date.now();
  }

  /** The stored token with this id (after picking up recent changes), or undefined. */
  async lookup(id: string): Promise<StoredApiToken | undefined> {
    if (this.opened === null) return undefined;
    await this.refresh(CHECK_INTERVAL_MS);
    if (!this.tokens.has(id)) await this.refresh(UNKNOWN_ID_INTERVAL_MS);
    return this.tokens.get(id);
  }

  async list(): Promise<ApiTokenInfo[]> {
    return this.use().store.list();
  }

  async create(options: { name: string; role: Role; expiresInMs: number | null }): Promise<{ token: string; info: ApiTokenInfo }> {
    const { store, now } = this.use();
    const at = now();
    const expiresAt = options.expiresInMs === null ? null : new Date(at + options.expiresInMs);
    const created = await store.create({ name: options.name, role: options.role, expiresAt, now: new Date(at) });
    await this.refresh(0);
    return created;
  }

  async revoke(id: string): Promise<boolean> {
    const found = await this.use().store.revoke(id);
    await this.refresh(0);
    return found;
  }

  private use(): { store: ApiTokenFile; log: Logger; now: () => number } {
    if (this.opened === null) throw new Error('auth-token is not active');
    return this.opened;
  }

  /** Look at the file now and re-read it (the file changed on disk). */
  reload(): Promise<void> {
    return this.refresh(0);
  }

  /** Look at the file unless that was done less than `minIntervalMs` ago (0: now, and re-read it). */
  private refresh(minIntervalMs: number): Promise<void> {
    if (this.opened === null || (minIntervalMs > 0 && this.opened.now() - this.checkedAt < minIntervalMs)) return Promise.resolve();
    // Concurrent lookups share one check; a later one waits for a running check, then decides again.
    const run = (this.loading ?? Promise.resolve()).then(() => this.check(minIntervalMs));
    const settled: Promise<void> = run.then(
      () => this.settle(settled),
      () => this.settle(settled),
    );
    this.loading = settled;
    return run;
  }

  private settle(done: Promise<void>): void {
    if (this.loading === done) this.loading = null;
  }

  private async check(minIntervalMs: number): Promise<void> {
    const opened = this.opened;
    if (opened === null || (minIntervalMs > 0 && opened.now() - this.checkedAt < minIntervalMs)) return;
    const force = minIntervalMs === 0;
    const { store, log, now } = opened;
    this.checkedAt = now();
    let stamp: string;
    try {
      const info = await stat(store.file, { bigint: true });
      stamp = `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch (error) {
      stamp = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
    }
    if (!force && stamp === this.stamp) return;
    const before = this.tokens;
    try {
      const tokens = await store.read();
      this.tokens = new Map(tokens.map((t) => [t.id, t]));
    } catch (error) {
      this.tokens = new Map();
      log.error('API token file cannot be read; no API token is accepted until it is fixed', { file: store.file, error: (error as Error).message });
    }
    this.stamp = stamp;
    for (const id of before.keys()) if (!this.tokens.has(id)) this.onRemoved(id);
  }
}
