import type { z } from 'zod';
import type { DepOf, Token } from './capability';
import type { AgentInfo, Clock, EventBus, Logger, Platform, PlatformInfo, ProcessRunner } from './core-services';
import type { Disposable } from './disposable';

/** The plugin API version this agent implements. A plugin declaring another version is refused. */
export const PLUGIN_API_VERSION = 1;

/** A service a plugin puts in the container. Construction is synchronous and does no I/O. */
export interface ServiceProvider<T, D extends Record<string, Token<unknown>>> {
  /** Services `create` needs, by name. Their providers are activated before this plugin. */
  deps?: D;
  /**
   * Build the service. Called lazily, at most once, when first requested. A multiple capability
   * in `deps` arrives as an array of its active providers.
   */
  create(deps: { [K in keyof D]: DepOf<D[K]> }): T;
}

/** Passed to {@link PluginDefinition.register}. */
export interface Registrar {
  /** Provide an implementation of a capability listed in the plugin's `provides`. */
  provide<T, D extends Record<string, Token<unknown>> = Record<string, never>>(token: Token<T>, provider: ServiceProvider<T, D>): void;
}

/** Facts about the agent known before any plugin runs (what `detect` may base its verdict on). */
export interface AgentFacts {
  /** TunnelForge version. */
  readonly version: string;
  /** Host the server will bind. */
  readonly host: string;
  /** Configured TCP port (0: any free one; the real one is known only once the agent is ready). */
  readonly port: number;
  /** The agent's state directory. */
  readonly dataDir: string;
}

/** Passed to {@link PluginDefinition.detect}. Runs before any other plugin code. */
export interface DetectContext<C> {
  readonly id: string;
  readonly config: C;
  /** Version, host, configured port and data dir of the agent. */
  readonly agent: AgentFacts;
  readonly platform: PlatformInfo;
  readonly log: Logger;
  /** Shortcut for `platform.which`. */
  which(command: string): Promise<string | null>;
  /** For probes such as `tool --version` (argv only; keep them short). */
  readonly processes: ProcessRunner;
}

/** What `onDispose` accepts: a function (may be async) or a {@link Disposable}. */
export type DisposeStep = Disposable | (() => void | Promise<void>);

/**
 * Passed to `activate`, `start` and `deactivate`: one context per activation, so state that
 * belongs to the activation lives in the closure of `activate` and is released with `onDispose`.
 */
export interface PluginContext<C> {
  /** The plugin's id. */
  readonly id: string;
  /** The plugin's own validated config slice. */
  readonly config: C;
  /** Child logger bound to the plugin's id. */
  readonly log: Logger;
  readonly agent: AgentInfo;
  readonly platform: PlatformInfo;
  readonly processes: ProcessRunner;
  readonly clock: Clock;
  readonly events: EventBus;
  /**
   * Aborted when the plugin's activation times out or the agent shuts down. Long waits in
   * `activate` should pass it on.
   */
  readonly signal: AbortSignal;
  /**
   * Release `step` when this activation ends: at shutdown, when boot fails, and also after this
   * plugin's own `activate` failed or timed out. Steps run after `deactivate`, newest first (the
   * reverse of registration), each bounded by the activation timeout; a throwing step is logged
   * and the others still run. Registered after the activation ended, a step runs at once.
   */
  onDispose(step: DisposeStep): void;
  /**
   * The active provider of a single capability, or a core service. Throws `TF_ERR_MISSING_CAPABILITY`
   * when there is none (declare it in `requires`, or use {@link PluginContext.tryGet} for `optional`).
   */
  get<T>(token: Token<T>): T;
  /** Like `get`, but `undefined` when nothing provides it. */
  tryGet<T>(token: Token<T>): T | undefined;
  /** All active providers of a multiple capability, in configured order. */
  getAll<T>(token: Token<T>): T[];
}

/** A schema for the plugin's config slice: a zod schema (use the `z` this module re-exports). */
export type ConfigSchema<C> = z.ZodType<C>;

/**
 * A TunnelForge plugin.
 *
 * Lifecycle, in this order; each step runs only if the previous ones passed:
 * 1. **Gating** (no plugin code but `detect` runs): `apiVersion` must equal {@link PLUGIN_API_VERSION};
 *    the plugin must not be disabled in config; the platform must be in `platforms`; the config slice
 *    must validate against `config`; then `detect()` may veto with a reason. A plugin that fails a gate
 *    is `skipped` (or `disabled`) with that reason, and `tunnelforge plugins ls` shows it.
 * 2. **Graph**: every `requires` must have an active provider; a single capability must not have two
 *    active providers (unless config `capabilities.<Name>` picks one); cycles are refused with their
 *    path. All such problems are reported together, before anything starts.
 * 3. **register** (synchronous, no I/O): put services in the container with `reg.provide`.
 * 4. **activate** (awaited, with a per-plugin timeout, default 10 s): in dependency order, providers
 *    before their consumers. Do I/O here: open files, add routes, subscribe to events. Keep what the
 *    activation owns in its closure and release it with `ctx.onDispose(...)`, or return a
 *    {@link Disposable}: never keep state in module-level variables (a test may start two agents).
 * 5. **start** (awaited, same timeout, dependency order), once *every* plugin has activated: the
 *    agent's routes are all in place, the server starts accepting connections (core-http listens in
 *    its own `start`), and `ctx.agent.localUrl()` is known. Begin outward-facing work here (start a
 *    tunnel, announce the agent). When every `start` has finished, the agent is **ready**: it
 *    publishes `agent.ready` and answers requests; before that every route answers
 *    `503 { "status": "starting" }`.
 * 6. **deactivate** (reverse order, on shutdown or when boot fails), then the activation's
 *    `onDispose` steps (newest first). Both also run after a failed or timed-out `activate`, so they
 *    must be idempotent and safe when `activate` never got far.
 *
 * Failure policy: when `activate` throws or times out, an optional plugin is marked `failed` and the
 * agent runs on, reported as degraded; a required plugin (`required: true` here or in config) aborts
 * boot, after everything already started has been deactivated.
 *
 * @typeParam C - the plugin's config slice type.
 */
export interface PluginDefinition<C = unknown> {
  /** Unique id, kebab-case: `tunnel-ngrok`. */
  id: string;
  /** Must equal {@link PLUGIN_API_VERSION}. */
  apiVersion: number;
  /** The plugin's own version (informational). */
  version?: string;
  /** One line for `plugins ls`. */
  description?: string;
  /** Platforms the plugin runs on; default: all. */
  platforms?: readonly Platform[];
  /** Capabilities this plugin provides (each must be registered in `register`). */
  provides?: readonly Token<unknown>[];
  /** Capabilities that must be active for this plugin to work. */
  requires?: readonly Token<unknown>[];
  /** Capabilities used when present; they only order activation. */
  optional?: readonly Token<unknown>[];
  /** When true, failing to activate aborts boot. Config may override. Default false. */
  required?: boolean;
  /**
   * A fallback provider (like `power-noop`) is skipped when another ready plugin provides the same
   * capabilities, so a platform-specific provider wins without any config.
   */
  fallback?: boolean;
  /** Schema of the config slice (`plugins.<id>.options`). Defaults are applied from it. */
  config?: ConfigSchema<C>;
  /** Probe: `true` to proceed, or a string saying why the plugin cannot run here. */
  detect?(ctx: DetectContext<C>): Promise<true | string> | true | string;
  register?(registrar: Registrar, config: C): void;
  /** Set up; may return a {@link Disposable} released like an `onDispose` step. */
  activate?(ctx: PluginContext<C>): Promise<void | Disposable> | void | Disposable;
  /** Begin outward-facing work once every plugin has activated (see the lifecycle above). */
  start?(ctx: PluginContext<C>): Promise<void> | void;
  deactivate?(ctx: PluginContext<C>): Promise<void> | void;
}

/**
 * Declare a plugin; returns it unchanged with its types checked. Export the result as the module's
 * default export (`export default definePlugin({...})`).
 */
export function definePlugin<C = Record<string, never>>(definition: PluginDefinition<C>): PluginDefinition<C> {
  return definition;
}
