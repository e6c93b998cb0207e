import type { ApiClient } from './api-client';

/** One quick-start command: a button in the session list. */
export interface QuickStart {
  name: string;
  command: string[];
  cwd?: string;
}

/** The built-in sections of `GET /api/settings` (docs/settings.md). */
export interface RuntimeSettings {
  sessions?: { quickStart: QuickStart[]; command?: string[]; cwd?: string; cols?: number; rows?: number };
  power?: { policy?: 'never' | 'while-sessions' | 'always' };
  tunnels?: { autostart?: string[] };
}

/** `GET/PATCH /api/settings`. */
export class SettingsApi {
  constructor(private readonly api: ApiClient) {}

  async get(): Promise<RuntimeSettings> {
    return (await this.api.json<{ settings: RuntimeSettings }>('GET', '/api/settings')).settings;
  }

  /** Fields to change by section; `null` resets a field. Answers every section as it is now. */
  async patch(patch: Record<string, Record<string, unknown>>): Promise<RuntimeSettings> {
    return (await this.api.json<{ settings: RuntimeSettings }>('PATCH', '/api/settings', patch)).settings;
  }
}
