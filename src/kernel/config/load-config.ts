import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { agentConfigSchema, pluginSettingsSchema, type AgentConfig, type AgentConfigInput } from './agent-config-schema';
import { ConfigError, type ConfigIssue } from './config-error';
import { createConfigExplorer } from './create-config-explorer';
import { readEnvOverrides } from './read-env-overrides';
import { resolveDataDir } from './resolve-data-dir';
import { summarizeLoadError } from './summarize-load-error';
import { zodIssuesToConfigIssues, type OverrideSources } from './zod-issues-to-config-issues';

export interface LoadConfigOptions {
  /** Load exactly this file (relative to `cwd`) instead of searching. */
  configPath?: string;
  /** Where the search starts, and the base for relative `--config` and env/flag `dataDir`. */
  cwd: string;
  /** Environment (for `TUNNELFORGE_*` overrides and `HOME`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Command-line flag overrides; `undefined` values are ignored. Highest precedence. */
  overrides?: { [K in keyof AgentConfigInput]?: unknown };
  /** Label per overridden key for messages (`port` → `--port`); defaults to the key name. */
  overrideLabels?: Partial<Record<keyof AgentConfigInput, string>>;
}

export interface LoadedConfig {
  config: AgentConfig;
  /** The file the config came from, or `null` when none was found. */
  filepath: string | null;
}

/**
 * Find and load the agent config, apply environment then flag overrides, and validate the result.
 * Precedence: defaults < file < env < flags. `dataDir` comes back absolute, with `~` expanded: relative
 * to the config file's directory when the file set it, to `cwd` when env or a flag did.
 *
 * @throws ConfigError `TF_ERR_CONFIG_NOT_FOUND` (explicit path missing), `TF_ERR_CONFIG_LOAD` (file
 *   unreadable or its code throws), `TF_ERR_CONFIG_INVALID` (every validation issue, with paths).
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const { cwd, env } = options;
  const { raw, filepath } = await readConfigFile(options.configPath, cwd);

  const issues: ConfigIssue[] = [];
  let fileConfig: Record<string, unknown> = {};
  if (isRecord(raw)) fileConfig = raw;
  else if (raw !== undefined && raw !== null) {
    issues.push({ path: '', message: `expected the config to be an object, received ${describe(raw)}` });
  }

  const fromEnv = readEnvOverrides(env);
  const flags: Record<string, unknown> = {};
  const sources: OverrideSources = { ...fromEnv.sources };
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    flags[key] = value;
    sources[key] = options.overrideLabels?.[key as keyof AgentConfigInput] ?? key;
  }

  const merged = { ...fileConfig, ...fromEnv.values, ...flags };
  const parsed = agentConfigSchema.safeParse(merged);
  if (!parsed.success) issues.push(...zodIssuesToConfigIssues(parsed.error.issues, { sources, knownKeys }));
  if (issues.length > 0 || !parsed.success) {
    const where = filepath ?? 'defaults, environment and flags';
    throw new ConfigError(
      'TF_ERR_CONFIG_INVALID',
      `invalid config (${where}): ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
      filepath,
      issues,
    );
  }

  const config = parsed.data;
  const dataDirFromFile = !('dataDir' in flags) && !('dataDir' in fromEnv.values) && filepath !== null;
  const home = env.HOME || env.USERPROFILE || os.homedir();
  config.dataDir = resolveDataDir(config.dataDir, dataDirFromFile ? path.dirname(filepath) : cwd, home);
  return { config, filepath };
}

async function readConfigFile(configPath: string | undefined, cwd: string): Promise<{ raw: unknown; filepath: string | null }> {
  const explorer = createConfigExplorer();
  let result: Awaited<ReturnType<typeof explorer.search>>;
  let attempted: string | null = null;
  try {
    if (configPath !== undefined) {
      attempted = path.resolve(cwd, configPath);
      const info = await stat(attempted).catch(() => null);
      if (!info || !info.isFile()) {
        throw new ConfigError(
          'TF_ERR_CONFIG_NOT_FOUND',
          info ? `config path is not a file: ${attempted}` : `config file not found: ${attempted}`,
          attempted,
        );
      }
      result = await explorer.load(attempted);
    } else {
      result = await explorer.search(cwd);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const file = (error as { filepath?: string }).filepath ?? attempted;
    throw new ConfigError('TF_ERR_CONFIG_LOAD', `cannot load config${file ? ` ${file}` : ''}: ${summarizeLoadError(error)}`, file, [], {
      cause: error,
    });
  }
  if (!result) return { raw: undefined, filepath: null };
  let raw: unknown = result.config;
  if (typeof raw === 'function') {
    try {
      raw = await (raw as () => unknown)();
    } catch (error) {
      throw new ConfigError('TF_ERR_CONFIG_LOAD', `config function in ${result.filepath} threw: ${summarizeLoadError(error)}`, result.filepath, [], {
        cause: error,
      });
    }
  }
  return { raw, filepath: result.filepath };
}

/** Keys valid at an object path, for "did you mean" hints. */
function knownKeys(at: readonly PropertyKey[]): readonly string[] {
  if (at.length === 0) return Object.keys(agentConfigSchema.shape);
  if (at.length === 2 && at[0] === 'plugins') return Object.keys(pluginSettingsSchema.shape);
  return [];
}

/** A plain object (from any realm: configs are evaluated outside jest's sandbox). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}
