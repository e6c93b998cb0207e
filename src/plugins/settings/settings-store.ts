import {
  SettingsChanged, SettingsError,
  type Actor, type EventBus, type Logger, type Settings, type SettingsHandle, type SettingsIssue,
  type SettingsSection, type SettingsValues,
} from '../../plugin-api';
import { atomicWriteFile } from '../shared/atomic-write-file';
import { readTextFile } from '../shared/read-text-file';
import { removeStaleTempFiles } from '../shared/remove-stale-temp-files';
import { settingsFileSchema, type SettingsFile } from './settings-file';

type Raw = Record<string, unknown>;

interface Registered {
  section: SettingsSection<unknown>;
  value: unknown;
  listeners: Set<(value: unknown, previous: unknown) => void>;
}

/** Thrown when `settings.json` could not be written; the settings in memory and on disk stay the old ones. */
export class SettingsWriteError extends Error {
  readonly code = 'TF_ERR_SETTINGS_WRITE_FAILED';
}

/**
 * `settings.json` in the data dir and the sections plugins registered on it. Reads come from
 * memory. An update validates every section it touches first, then writes the whole file
 * atomically (temp file, fsync, rename, mode 0600), and only then changes memory, tells the
 * section's listeners and publishes `settings.changed`: a refused or failed update changes nothing.
 * Updates run one after another, so two concurrent PATCHes never lose each other's fields.
 */
export class SettingsStore implements Settings {
  /** What the file holds: fields people set, by section (defaults are not written, so a later default applies). */
  private stored: SettingsFile['sections'] = {};
  private readonly sections = new Map<string, Registered>();
  private queue: Promise<unknown> = Promise.resolve();

  private file = '';

  constructor(
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  /**
   * Read `file` (the plugin's activate, once the data dir is known; before any plugin that uses
   * Settings activates). Missing: nothing set yet. Corrupt: an error (starting empty would drop
   * what people set, and the next write would erase it).
   */
  async open(file: string): Promise<void> {
    this.file = file;
    await removeStaleTempFiles(this.file);
    const text = await readTextFile(this.file);
    if (text === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${this.file} is not valid JSON; fix or delete it (deleting resets every run-time setting)`);
    }
    const result = settingsFileSchema.safeParse(parsed);
    if (!result.success) throw new Error(`${this.file} has an unexpected shape; fix or delete it (deleting resets every run-time setting)`);
    this.stored = result.data.sections;
  }

  register<T>(section: SettingsSection<T>): SettingsHandle<T> {
    if (this.sections.has(section.key)) throw new Error(`settings section "${section.key}" is registered already`);
    const raw = this.stored[section.key] ?? {};
    let result = section.schema.safeParse(raw);
    if (!result.success) {
      // A file edited by hand, or a setting an older version allowed: run on the defaults and say which field.
      this.log.warn('stored settings are invalid; using the defaults of this section until it is changed', {
        section: section.key, issues: toIssues(section.key, result.error.issues).map((issue) => `${issue.path}: ${issue.message}`),
      });
      result = section.schema.safeParse({});
      if (!result.success) throw new Error(`settings section "${section.key}": its schema must accept {}`);
    }
    const entry: Registered = { section: section as SettingsSection<unknown>, value: result.data, listeners: new Set() };
    this.sections.set(section.key, entry);
    return {
      get: () => entry.value as T,
      subscribe: (listener) => {
        const wrapped = listener as (value: unknown, previous: unknown) => void;
        entry.listeners.add(wrapped);
        return { dispose: () => void entry.listeners.delete(wrapped) };
      },
      dispose: () => {
        if (this.sections.get(section.key) === entry) this.sections.delete(section.key);
      },
    };
  }

  values(): SettingsValues {
    const values: SettingsValues = {};
    for (const [key, entry] of [...this.sections].sort(([a], [b]) => a.localeCompare(b))) values[key] = entry.value;
    return values;
  }

  /** The registered sections, for the settings page. */
  describe(): Array<{ key: string; description: string }> {
    return [...this.sections.values()].map(({ section }) => ({ key: section.key, description: section.description })).sort((a, b) => a.key.localeCompare(b.key));
  }

  update(patch: Record<string, unknown>, by: Actor | null): Promise<SettingsValues> {
    const run = this.queue.then(() => this.apply(patch, by));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(patch: Record<string, unknown>, by: Actor | null): Promise<SettingsValues> {
    const issues: SettingsIssue[] = [];
    const next: Array<{ key: string; entry: Registered; raw: Raw; value: unknown }> = [];
    for (const [key, partial] of Object.entries(patch)) {
      const entry = this.sections.get(key);
      if (entry === undefined) {
        issues.push({ path: key, message: `unknown settings section (known: ${[...this.sections.keys()].sort().join(', ') || 'none'})` });
        continue;
      }
      if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
        issues.push({ path: key, message: 'must be an object of the fields to change' });
        continue;
      }
      const raw: Raw = { ...(this.stored[key] ?? {}) };
      for (const [field, value] of Object.entries(partial)) {
        if (value === null) delete raw[field];
        else raw[field] = value;
      }
      const result = entry.section.schema.safeParse(raw);
      if (!result.success) issues.push(...toIssues(key, result.error.issues));
      else next.push({ key, entry, raw, value: result.data });
    }
    if (issues.length > 0) throw new SettingsError(issues);
    if (next.length === 0) return this.values();

    const stored = { ...this.stored };
    for (const { key, raw } of next) stored[key] = raw;
    try {
      await atomicWriteFile(this.file, JSON.stringify({ version: 1, sections: stored } satisfies SettingsFile, null, 2) + '\n');
    } catch (error) {
      throw new SettingsWriteError(`could not write ${this.file}: ${error instanceof Error ? error.message : String(error)}; the settings are unchanged`);
    }
    this.stored = stored;
    const changed: string[] = [];
    for (const { key, entry, value } of next) {
      const previous = entry.value;
      entry.value = value;
      if (JSON.stringify(previous) === JSON.stringify(value)) continue;
      changed.push(key);
      for (const listener of entry.listeners) {
        try {
          listener(value, previous);
        } catch (error) {
          this.log.error('a settings listener failed', { section: key, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    const values = this.values();
    if (changed.length > 0) {
      this.log.info('settings changed', { sections: changed, by: by?.id ?? null });
      this.events.publish(SettingsChanged, { sections: changed, values, by });
    }
    return values;
  }
}

function toIssues(section: string, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): SettingsIssue[] {
  return issues.map((issue) => ({ path: [section, ...issue.path.map(String)].join('.'), message: issue.message }));
}

