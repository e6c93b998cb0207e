import { actorOf, HttpError, SettingsError, z, type Disposable, type HttpRoutes } from '../../plugin-api';
import { SettingsWriteError, type SettingsStore } from './settings-store';

// Sections are registered by other plugins at activation, after these routes exist, so the
// document describes them in words; each section's own schema validates a PATCH.
const sectionsValues = z.record(z.string(), z.record(z.string(), z.unknown()))
  .describe('Every registered section by key, validated and with defaults filled in. Built in: `sessions` (quick-start commands and session defaults, core-sessions), `power` (policy, power-policy), `tunnels` (autostart, tunnels-api). See docs/settings.md.');
const settingsView = z.object({
  settings: sectionsValues,
  sections: z.array(z.object({ key: z.string(), description: z.string() })).describe('The registered sections, with what each changes'),
});
const patchBody = z.record(z.string(), z.unknown())
  .describe('Section key → the fields to change, merged over the stored ones; `null` resets a field to its default, lists are replaced whole. Validated as a whole: one invalid field and nothing changes.');

const ERRORS = {
  400: 'An unknown section or an invalid field (TF_ERR_BAD_SETTINGS; `details` lists `{ path, message }` per field); nothing changed',
  500: 'settings.json could not be written (TF_ERR_SETTINGS_WRITE_FAILED); nothing changed',
};

/**
 * `GET /api/settings` (writer: the session list shows the quick-start commands to everyone who can
 * create sessions) and `PATCH /api/settings` (admin).
 */
export function addSettingsRoutes(routes: HttpRoutes, store: SettingsStore): Disposable[] {
  const view = () => ({ settings: store.values() as Record<string, Record<string, unknown>>, sections: store.describe() });
  return [
    routes.add({
      method: 'GET',
      path: '/api/settings',
      access: 'writer',
      schema: { response: settingsView },
      doc: { summary: 'Run-time settings: quick-start commands, session defaults, power policy, tunnel autostart', tags: ['settings'] },
      handler: () => ({ json: view() }),
    }),
    routes.add({
      method: 'PATCH',
      path: '/api/settings',
      access: 'admin',
      maxBodyBytes: 64 * 1024,
      schema: { body: patchBody, response: settingsView },
      doc: {
        summary: 'Change run-time settings (applied at once, kept across restarts, announced as settings.changed)',
        tags: ['settings'],
        errors: ERRORS,
      },
      async handler(request) {
        try {
          await store.update(request.body, actorOf(request.principal));
        } catch (error) {
          if (error instanceof SettingsError) throw new HttpError(400, error.code, error.message, error.issues);
          if (error instanceof SettingsWriteError) throw new HttpError(500, error.code, error.message);
          throw error;
        }
        return { json: view() };
      },
    }),
  ];
}
