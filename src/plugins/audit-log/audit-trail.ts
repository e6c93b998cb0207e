import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { actorOf, type AuditEntry, type AuditLog, type AuditRecord, type Logger } from '../../plugin-api';
import { readLastLines } from '../shared/read-last-lines';

/** File name of the audit trail inside `<dataDir>/logs`. */
export const AUDIT_FILE = 'audit.log';
/** Entries waiting to be written at most; beyond that the oldest waiting ones are dropped (and said). */
const MAX_QUEUED = 10_000;

/**
 * The audit trail: JSON lines appended to `<logs>/audit.log` by one write loop, so `record` never
 * blocks and never throws. The file is rotated at `maxFileBytes` (`audit.log` → `audit.1.log` …,
 * keeping `keepFiles` old ones). A failing disk (full, read-only) costs entries, not the agent: the
 * first failure is logged, later ones are counted until a write succeeds again.
 */
export class AuditTrail implements AuditLog {
  private dir: string | null = null;
  private log: Logger | null = null;
  private now: () => number = () => Date.now();
  private queue: string[] = [];
  private writing: Promise<void> | null = null;
  private failures = 0;
  private dropped = 0;
  private size = -1;

  constructor(private readonly options: { maxFileBytes: number; keepFiles: number }) {}

  open(dir: string, log: Logger, now: () => number): void {
    this.dir = dir;
    this.log = log;
    this.now = now;
  }

  /** Write what is queued, then stop taking entries. */
  async close(): Promise<void> {
    await this.flush();
    this.dir = null;
  }

  record(entry: AuditRecord): void {
    if (this.dir === null) return;
    try {
      const full: AuditEntry = { time: new Date(this.now()).toISOString(), action: entry.action, outcome: entry.outcome ?? 'success', by: actorOf(entry.by) };
      if (entry.target !== undefined) full.target = entry.target;
      if (entry.address !== undefined) full.address = entry.address;
      if (entry.details !== undefined) full.details = entry.details;
      if (this.queue.length >= MAX_QUEUED) {
        this.queue.shift();
        this.dropped++;
      }
      this.queue.push(JSON.stringify(full) + '\n');
      this.writing ??= this.drain().finally(() => (this.writing = null));
    } catch (error) {
      this.log?.error('audit entry could not be recorded', { action: entry.action, error: (error as Error).message });
    }
  }

  /** Resolves once everything recorded so far is written (or given up on). */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  async read(limit: number): Promise<AuditEntry[]> {
    await this.flush();
    const dir = this.dir;
    if (dir === null) return [];
    let lines = await readLastLines(path.join(dir, AUDIT_FILE), limit);
    for (let n = 1; lines.length < limit && n <= this.options.keepFiles; n++) {
      lines = [...(await readLastLines(path.join(dir, `audit.${n}.log`), limit - lines.length)), ...lines];
    }
    const entries: AuditEntry[] = [];
    for (const line of lines) {
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        // a torn line (disk filled mid-write): skip it
      }
    }
    return entries;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && this.dir !== null) {
      const dir = this.dir;
      const chunk = this.queue.splice(0).join('');
      try {
        const file = path.join(dir, AUDIT_FILE);
        if (this.size < 0) {
          await mkdir(dir, { recursive: true, mode: 0o700 });
          this.size = await stat(file).then((s) => s.size, () => 0);
        }
        if (this.size > 0 && this.size + chunk.length > this.options.maxFileBytes) await this.rotate(dir);
        await appendFile(file, chunk, { mode: 0o600 });
        this.size += Buffer.byteLength(chunk);
        if (this.failures > 0 || this.dropped > 0) this.log?.warn('audit trail writes again', { failedWrites: this.failures, droppedEntries: this.dropped });
        this.failures = 0;
        this.dropped = 0;
      } catch (error) {
        if (this.failures === 0) this.log?.error('cannot write the audit trail; entries are lost until it works again', { dir, error: (error as Error).message });
        this.failures++;
        this.size = -1;
      }
    }
  }

  private async rotate(dir: string): Promise<void> {
    for (let n = this.options.keepFiles; n >= 1; n--) {
      const from = n === 1 ? path.join(dir, AUDIT_FILE) : path.join(dir, `audit.${n - 1}.log`);
      await rename(from, path.join(dir, `audit.${n}.log`)).catch(() => undefined);
    }
    this.size = 0;
  }
}
