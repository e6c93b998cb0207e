import * as path from 'node:path';
import { defineSettingsSection, z } from '../plugin-api';

const argv = z.array(z.string().min(1).max(4096)).min(1).max(64);
const cwd = z.string().min(1).max(4096)
  .refine((dir) => path.isAbsolute(dir) || dir === '~' || dir.startsWith('~/'), 'must be an absolute path, ~ or ~/…');
const size = z.number().int().min(1).max(1000);

const quickStart = z.strictObject({
  /** Button label. */
  name: z.string().trim().min(1).max(100),
  /** argv, as `command` of POST /api/sessions. */
  command: argv,
  cwd: cwd.optional(),
});

/**
 * The `sessions` settings section (owned by core-sessions): quick-start commands the session
 * list shows as buttons, and what a new session starts with when its request leaves a field out.
 */
export const sessionsSettingsSection = defineSettingsSection({
  key: 'sessions',
  description: 'Quick-start commands in the session list; the command, directory and size of a new session when its request does not say',
  schema: z.strictObject({
    quickStart: z.array(quickStart).max(50).default([])
      .refine((list) => new Set(list.map((entry) => entry.name)).size === list.length, 'quick-start names must be unique'),
    /** Default argv (else the login shell). */
    command: argv.optional(),
    /** Default working directory (else the home directory). */
    cwd: cwd.optional(),
    cols: size.optional(),
    rows: size.optional(),
  }),
});

/** Validated `sessions` settings. */
export type SessionsSettings = z.output<typeof sessionsSettingsSection.schema>;

/** What a create request falls back to: the part of {@link SessionsSettings} the manager reads. */
export type SessionDefaults = Pick<SessionsSettings, 'command' | 'cwd' | 'cols' | 'rows'>;
