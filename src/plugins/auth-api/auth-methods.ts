import type { PluginSummary } from '../../plugin-api';

/** Built-in auth plugins and the login method each stands for in `GET /api/auth/config`. */
const METHOD_OF: Readonly<Record<string, string>> = {
  'auth-password': 'password',
  'auth-token': 'token',
  'auth-local': 'local',
  'auth-none': 'none',
};

/** The login methods of the active auth plugins, in a stable order. */
export function authMethods(plugins: readonly PluginSummary[]): string[] {
  const active = new Set(plugins.filter((p) => p.state === 'active').map((p) => p.id));
  return Object.entries(METHOD_OF)
    .filter(([id]) => active.has(id))
    .map(([, method]) => method);
}
