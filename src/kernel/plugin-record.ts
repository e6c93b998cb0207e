import type { DisposeStep, PluginDefinition, ServiceProvider, Token } from '../plugin-api';
import type { PluginSettings } from './config/agent-config-schema';

/** Where a plugin came from. */
export type PluginSource = 'builtin' | 'package' | 'discovered';

/**
 * Life of a plugin: `discovered` → (`disabled` | `skipped` | `ready`) → `active` | `failed` → `stopped`.
 * `ready` means it passed every gate and the graph and would be (or is about to be) activated;
 * `active` that its `activate` succeeded (its `start` runs after every plugin is active).
 */
export type PluginState = 'discovered' | 'ready' | 'active' | 'skipped' | 'disabled' | 'failed' | 'stopped';

/** What `tunnelforge plugins ls` and `GET /api/plugins` show about one plugin. */
export interface PluginReport {
  id: string;
  package: string | null;
  source: PluginSource;
  version: string | null;
  description: string | null;
  state: PluginState;
  reason: string | null;
  required: boolean;
  provides: string[];
  requires: string[];
}

/** The kernel's bookkeeping for one plugin. */
export interface PluginRecord {
  id: string;
  definition: PluginDefinition<unknown>;
  package: string | null;
  source: PluginSource;
  state: PluginState;
  reason: string | null;
  settings: PluginSettings;
  required: boolean;
  /** Validated config slice (set by gating). */
  config: unknown;
  /** Providers registered by `register`, by token id. */
  providers: Map<string, { token: Token<unknown>; provider: ServiceProvider<unknown, Record<string, Token<unknown>>> }>;
  /** True once `activate` was called (deactivate runs for these, even if activate failed). */
  activationStarted: boolean;
  abort: AbortController;
  /** What the activation registered with `ctx.onDispose` (or returned from `activate`), oldest first. */
  disposeSteps: DisposeStep[];
  /** True once the activation was released: later `onDispose` steps run at once. */
  released: boolean;
}

export function toReport(record: PluginRecord): PluginReport {
  const def = record.definition;
  return {
    id: record.id,
    package: record.package,
    source: record.source,
    version: def.version ?? null,
    description: def.description ?? null,
    state: record.state,
    reason: record.reason,
    required: record.required,
    provides: (def.provides ?? []).map((t) => t.id),
    requires: (def.requires ?? []).map((t) => t.id),
  };
}
