import type { OverrideSources } from './zod-issues-to-config-issues';

/** Environment variables that override config keys (precedence: defaults < file < env < flags). */
const ENV_KEYS = {
  TUNNELFORGE_PORT: 'port',
  TUNNELFORGE_HOST: 'host',
  TUNNELFORGE_DATA_DIR: 'dataDir',
  TUNNELFORGE_LOG_LEVEL: 'logLevel',
} as const;

/**
 * Config overrides from the environment. Values are converted where they clearly fit (`"4020"` → 4020);
 * anything else is passed through as the string, so validation reports it and names the variable.
 * Empty variables count as unset.
 */
export function readEnvOverrides(env: Readonly<Record<string, string | undefined>>): {
  values: Record<string, unknown>;
  sources: OverrideSources;
} {
  const values: Record<string, unknown> = {};
  const sources: OverrideSources = {};
  for (const [variable, key] of Object.entries(ENV_KEYS)) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    const text = raw.trim();
    values[key] = key === 'port' && /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    sources[key] = `${variable}=${JSON.stringify(raw)}`;
  }
  return { values, sources };
}
