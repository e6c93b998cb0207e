import { z } from 'zod';

/** Per-plugin settings under `plugins.<id>`. */
export const pluginSettingsSchema = z.strictObject({
  /** `false` keeps the plugin from loading at all (state `disabled`). */
  enabled: z.boolean().optional(),
  /** Overrides the plugin's own `required` flag: a required plugin that fails aborts boot. */
  required: z.boolean().optional(),
  /** Per-plugin activation timeout in ms. */
  activateTimeoutMs: z.number().int().positive().max(600_000).optional(),
  /** The plugin's own config slice, validated by the plugin's schema. */
  options: z.unknown().optional(),
});
export type PluginSettings = z.infer<typeof pluginSettingsSchema>;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The whole agent config as written by users (`tunnelforge.config.ts`), before defaults. */
export const agentConfigSchema = z.strictObject({
  /** Address to bind. Loopback by default: exposing the agent is an explicit choice. */
  host: z.string().min(1).default('127.0.0.1'),
  /** TCP port; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(4020),
  /** Where state lives (tokens, revocations, agent.json). `~` is expanded. */
  dataDir: z.string().min(1).default('~/.tunnelforge'),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** `auto`: JSON lines when stdout is not a TTY, readable lines when it is. */
  logFormat: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /**
   * The rotating log file of `tunnelforge start`: JSON lines in `<dataDir>/logs/agent.<n>.log`,
   * rotated at `maxSizeMb`, `keep` old files kept. Read with `tunnelforge logs` or `GET /api/logs`.
   */
  logFile: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxSizeMb: z.number().int().min(1).max(10_240).default(10),
      keep: z.number().int().min(1).max(100).default(5),
    })
    .default({ enabled: true, maxSizeMb: 10, keep: 5 }),
  /** Third-party plugin packages to load, by package name. */
  packages: z.array(z.string().min(1)).default([]),
  /** Also load the app's own dependencies named `tunnelforge-plugin-*` / `@scope/tunnelforge-plugin-*`. */
  discoverPackages: z.boolean().default(false),
  /** Per-plugin settings, keyed by plugin id. */
  plugins: z.record(z.string(), pluginSettingsSchema).default({}),
  /**
   * Provider choice per capability: a plugin id for a single capability (`PowerManager: 'power-linux'`),
   * or an ordered list of ids for a multiple one (`Authenticator: ['auth-local', 'auth-password']`).
   */
  capabilities: z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1))])).default({}),
  /** Default per-plugin activation timeout (ms). */
  activateTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
  /** How long shutdown may take before the process exits anyway (ms). */
  shutdownTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
});

/** Config as users write it (every field optional). */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
/** Config after validation and defaults. */
export type AgentConfig = z.output<typeof agentConfigSchema>;
