import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { atomicWriteFile } from '../shared/atomic-write-file';
import { readTextFile } from '../shared/read-text-file';
import { removeStaleTempFiles } from '../shared/remove-stale-temp-files';
import { NOTIFICATION_KINDS, type NotificationKind } from './notifications-config';

/** File name in the data dir. */
export const SUBSCRIPTIONS_FILE = 'push-subscriptions.json';

/** Which events a device is told about, and for which sessions. */
export interface PushPreferences {
  events: NotificationKind[];
  /** `all`, or the ids of the sessions to hear about. */
  sessions: 'all' | string[];
}

/** One device's Web Push subscription, as kept on disk. */
export interface StoredSubscription extends PushPreferences {
  id: string;
  /** Principal that made it (`Principal.id`): only it lists, changes and deletes it. */
  owner: string;
  /** The credential that made it (`Principal.credential`): revoking that credential removes it. */
  credential: string | null;
  name: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: string;
  /** Last push the push service accepted, and the last failure (with its time), if any. */
  lastSuccessAt: string | null;
  lastError: string | null;
}

interface FileShape {
  version: 1;
  subscriptions: StoredSubscription[];
}

/**
 * The subscriptions of this data dir, in memory and in `push-subscriptions.json` (0600, written
 * atomically after every change; writes are chained so the file always ends with the newest state).
 * An endpoint is one device: subscribing it again replaces the old entry, whoever owned it.
 */
export class PushSubscriptions {
  private readonly byId = new Map<string, StoredSubscription>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(dataDir: string): Promise<PushSubscriptions> {
    const store = new PushSubscriptions(path.join(dataDir, SUBSCRIPTIONS_FILE));
    await removeStaleTempFiles(store.file);
    const text = await readTextFile(store.file);
    if (text !== null) {
      let parsed: FileShape;
      try {
        parsed = JSON.parse(text) as FileShape;
      } catch {
        throw new Error(`${store.file} is not valid JSON; fix or delete it (devices then subscribe again)`);
      }
      for (const entry of parsed.subscriptions ?? []) {
        if (typeof entry?.id !== 'string' || typeof entry.endpoint !== 'string') continue;
        entry.events = (entry.events ?? []).filter((kind) => (NOTIFICATION_KINDS as readonly string[]).includes(kind));
        store.byId.set(entry.id, entry);
      }
    }
    return store;
  }

  get size(): number {
    return this.byId.size;
  }

  all(): StoredSubscription[] {
    return [...this.byId.values()];
  }

  get(id: string): StoredSubscription | undefined {
    return this.byId.get(id);
  }

  ownedBy(owner: string): StoredSubscription[] {
    return this.all().filter((entry) => entry.owner === owner);
  }

  findByEndpoint(endpoint: string): StoredSubscription | undefined {
    return this.all().find((entry) => entry.endpoint === endpoint);
  }

  /** Adds a subscription, replacing one with the same endpoint (keeping its id when the owner is the same). */
  async put(entry: Omit<StoredSubscription, 'id' | 'createdAt' | 'lastSuccessAt' | 'lastError'>, now: Date): Promise<{ subscription: StoredSubscription; replaced: boolean }> {
    const previous = this.findByEndpoint(entry.endpoint);
    if (previous !== undefined) this.byId.delete(previous.id);
    const id = previous !== undefined && previous.owner === entry.owner ? previous.id : randomBytes(9).toString('base64url');
    const subscription: StoredSubscription = { ...entry, id, createdAt: now.toISOString(), lastSuccessAt: null, lastError: null };
    this.byId.set(id, subscription);
    await this.save();
    return { subscription, replaced: previous !== undefined };
  }

  async update(id: string, change: Partial<Pick<StoredSubscription, 'events' | 'sessions' | 'name'>>): Promise<StoredSubscription | undefined> {
    const entry = this.byId.get(id);
    if (entry === undefined) return undefined;
    Object.assign(entry, Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)));
    await this.save();
    return entry;
  }

  /** Notes a delivery outcome in memory (saved with the next change, not per push: pushes must not write the disk). */
  noteOutcome(id: string, outcome: { ok: true; at: Date } | { ok: false; error: string; at: Date }): void {
    const entry = this.byId.get(id);
    if (entry === undefined) return;
    if (outcome.ok) entry.lastSuccessAt = outcome.at.toISOString();
    else entry.lastError = `${outcome.at.toISOString()} ${outcome.error}`;
  }

  async remove(ids: readonly string[]): Promise<StoredSubscription[]> {
    const removed = ids.flatMap((id) => {
      const entry = this.byId.get(id);
      if (entry === undefined) return [];
      this.byId.delete(id);
      return [entry];
    });
    if (removed.length > 0) await this.save();
    return removed;
  }

  /** Resolves once everything changed so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    const snapshot: FileShape = { version: 1, subscriptions: this.all() };
    const text = JSON.stringify(snapshot, null, 2) + '\n';
    this.writing = this.writing.catch(() => undefined).then(() => atomicWriteFile(this.file, text));
    return this.writing;
  }
}
