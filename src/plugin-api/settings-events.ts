import { defineEvent } from './define-event';
import type { Actor } from './events';

/**
 * Run-time settings changed (`PATCH /api/settings`): `sections` names the sections whose value
 * changed, `values` is every section as `GET /api/settings` answers it now, `by` who changed them.
 */
export const SettingsChanged = defineEvent<{ sections: string[]; values: Record<string, unknown>; by: Actor | null }>('settings.changed');
