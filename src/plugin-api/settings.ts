import type { z } from 'zod';
import { defineCapability } from './capability';
import type { Disposable } from './disposable';
import type { Actor } from './events';

/**
 * One section of the run-time settings, owned by the plugin that registers it (`sessions` by
 * core-sessions, `power` by power-policy, `tunnels` by tunnels-api). Declare it with
 * {@link defineSettingsSection} and register it with {@link Settings.register} in `activate`.
 *
 * @typeParam T - the section's value after validation.
 */
export interface SettingsSection<T> {
  /** Key of the section in `GET /api/settings`: lower case, `[a-z][a-z0-9-]*` (third parties: prefix theirs, `acme-backup`). */
  readonly key: string;
  /**
   * Validates the section. It must accept `{}` (every field optional or with a default): a section
   * nobody changed yet is `schema.parse({})`.
   */
  readonly schema: z.ZodType<T>;
  /** One line for the settings page and the docs: what the section changes. */
  readonly description: string;
}

const SECTION_KEY = /^[a-z][a-z0-9-]*$/;

/** Declare a settings section (checks the key; the schema must accept `{}`). */
export function defineSettingsSection<T>(section: SettingsSection<T>): SettingsSection<T> {
  if (!SECTION_KEY.test(section.key)) throw new TypeError(`invalid settings section key "${section.key}": use lower case such as "sessions"`);
  return Object.freeze({ ...section });
}

/** A registered section: its current value, and its changes. Dispose it in `deactivate` (or hand it to `ctx.onDispose`). */
export interface SettingsHandle<T> extends Disposable {
  /** The section's current, validated value. Cheap: read it whenever it is needed instead of caching it. */
  get(): T;
  /**
   * Called after every change of this section was persisted, with the new and the previous value,
   * on the updater's stack (keep it short; a throwing listener is logged and skipped).
   */
  subscribe(listener: (value: T, previous: T) => void): Disposable;
}

/** What {@link Settings.update} answers: every registered section's value. */
export type SettingsValues = Record<string, unknown>;

/**
 * Settings that change while the agent runs (a **single** capability, provided by the built-in
 * `settings` plugin): persisted in `settings.json` of the data dir, changed with
 * `PATCH /api/settings` (admin), announced with `settings.changed`. The config file stays for what
 * needs a restart (ports, plugins, auth); a plugin reads a value from here when a person should be
 * able to change it without one.
 *
 * Plugins declare `optional: [Settings]` and work from their config alone when it is absent:
 *
 * ```ts
 * const section = defineSettingsSection({ key: 'acme-backup', schema: z.object({ hour: z.number().int().min(0).max(23).default(3) }), description: 'Nightly backup' });
 * activate(ctx) {
 *   const settings = ctx.tryGet(Settings)?.register(section);
 *   if (settings) ctx.onDispose(settings);
 *   const hour = () => settings?.get().hour ?? ctx.config.hour;
 * }
 * ```
 */
export interface Settings {
  /**
   * Own a section: validates what `settings.json` holds for it (an invalid stored value is logged
   * and replaced by `schema.parse({})`, never a failed start). Throws when the key is registered already.
   */
  register<T>(section: SettingsSection<T>): SettingsHandle<T>;
  /** Every registered section's current value, by key. */
  values(): SettingsValues;
  /**
   * Change sections: `patch` maps section keys to partial values, merged field by field over the
   * stored ones (`null` resets a field to its default; lists are replaced whole). All sections are
   * validated before anything is written; the file is replaced atomically; updates run one at a
   * time. Throws a {@link SettingsError} (nothing changed) on an unknown section or an invalid value.
   */
  update(patch: Record<string, unknown>, by: Actor | null): Promise<SettingsValues>;
}
export const Settings = defineCapability<Settings>('Settings');

/** One invalid field of a settings update. */
export interface SettingsIssue {
  /** Dotted path, starting with the section: `sessions.quickStart.0.command`. */
  path: string;
  message: string;
}

/** Why {@link Settings.update} refused a change (`code` is `TF_ERR_BAD_SETTINGS`); the settings are unchanged. */
export class SettingsError extends Error {
  readonly code = 'TF_ERR_BAD_SETTINGS';
  constructor(readonly issues: SettingsIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
    this.name = 'SettingsError';
  }
}
