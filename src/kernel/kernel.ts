import { AgentReady, AgentStopping, type Clock, type Disposable, type DisposeStep, type Logger, type PlatformInfo, type PluginContext, type PluginDefinition, type Token } from '../plugin-api';
import { BootCodes, BootError, type BootProblem } from './boot-problem';
import { resolveCapabilityGraph } from './capability-graph';
import type { AgentConfig } from './config/agent-config-schema';
import { KernelAgentInfo } from './agent-info';
import { LocalEventBus } from './core/local-event-bus';
import { NodePlatformInfo } from './core/node-platform-info';
import { NodeProcessRunner } from './core/node-process-runner';
import { SystemClock } from './core/system-clock';
import { discoverPlugins } from './discover-plugins';
import { gatePlugin } from './gate-plugin';
import { coreServiceFor, createPluginContext, declares, type CoreServices } from './plugin-context';
import { toReport, type PluginRecord, type PluginReport } from './plugin-record';
import { ServiceRegistry } from './service-registry';
import { TimeoutError, withTimeout } from './with-timeout';

export { BootError, type BootProblem } from './boot-problem';
export type { PluginReport, PluginState } from './plugin-record';

/** What a kernel is made of. Everything but `config`, `builtins`, `logger` has a real default. */
export interface KernelOptions {
  config: AgentConfig;
  builtins: readonly PluginDefinition<any>[];
  logger: Logger;
  version: string;
  /** Where configured and discovered packages resolve from (the app's directory). */
  appRoot: string;
  /** First-party packages to load when installed (missing ones are skipped, not errors). */
  softPackages?: readonly string[];
  platform?: PlatformInfo;
  clock?: Clock;
  processes?: NodeProcessRunner | (CoreServices['processes'] & { stopAll?(graceMs?: number): Promise<void> });
}

/**
 * The plugin kernel: discovers plugins, gates them, resolves the capability graph, then registers,
 * activates (dependency order) and deactivates (reverse order) them. It knows nothing about
 * terminals, HTTP or power; all of that comes from plugins.
 */
export class Kernel {
  private readonly core: CoreServices;
  private readonly registry = new ServiceRegistry();
  private records: PluginRecord[] = [];
  private order: PluginRecord[] = [];
  private loadProblems: BootProblem[] = [];
  private loading: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: KernelOptions) {
    const logger = options.logger;
    const clock = options.clock ?? new SystemClock();
    const bus = new LocalEventBus(logger.child({ component: 'events' }), () => clock.now());
    this.agentInfo = new KernelAgentInfo(
      options.version, options.config.host, options.config.port, options.config.dataDir,
      new Date(clock.now()).toISOString(), bus, () => this.report(),
    );
    this.core = {
      logger,
      clock,
      bus,
      platform: options.platform ?? new NodePlatformInfo(),
      processes: options.processes ?? new NodeProcessRunner(logger.child({ component: 'processes' })),
      agent: this.agentInfo,
    };
  }

  private readonly agentInfo: KernelAgentInfo;

  /** Version, instance id, start time, phase and URL of this run (what `/api/health` shows). */
  get agent(): KernelAgentInfo {
    return this.agentInfo;
  }

  /** The kernel-wide event bus (for the agent's own wiring and tests). */
  get events(): LocalEventBus {
    return this.core.bus;
  }

  /** True when an optional plugin failed and the agent runs without it. */
  get degraded(): boolean {
    return this.records.some((r) => r.state === 'failed');
  }

  /** Discovery, gating (including `detect`), config slices and the capability graph. Idempotent. */
  load(): Promise<void> {
    this.loading ??= this.doLoad();
    return this.loading;
  }

  report(): PluginReport[] {
    return this.records.map(toReport);
  }

  problems(): BootProblem[] {
    return [...this.loadProblems];
  }

  /** Every discovered plugin with its config schema (for `tunnelforge config schema`). */
  definitions(): Array<{ id: string; schema?: PluginDefinition<unknown>['config'] }> {
    return this.records.map((r) => ({ id: r.id, schema: r.definition.config }));
  }

  /** A service of an active plugin, as the agent's own code (not a plugin) sees it. */
  service<T>(token: Token<T>): T | undefined {
    return this.registry.tryGet<T>(token.id);
  }

  services<T>(token: Token<T>): T[] {
    return this.registry.getAll<T>(token.id);
  }

  /**
   * Load, register, activate every plugin, then run every `start`; the agent is ready when it
   * resolves (`agent.ready` published). Throws `BootError` listing every problem.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.load();
    if (this.loadProblems.length > 0) throw new BootError(this.loadProblems);
    const registerProblems = this.registerAll();
    if (registerProblems.length > 0) throw new BootError(registerProblems);

    for (const record of this.order) {
      const blocked = this.missingAtActivation(record);
      if (blocked) {
        const problem: BootProblem = { code: BootCodes.missingCapability, plugin: record.id, message: blocked };
        if (await this.handleFailure(record, problem)) continue;
        throw new BootError([problem]);
      }
      const problem = await this.runStep(record, 'activate');
      if (!problem) continue;
      if (await this.handleFailure(record, problem)) continue;
      throw new BootError([problem]);
    }
    // Start phase: every route is in place now; the server begins accepting connections.
    for (const record of this.order) {
      if (record.state !== 'active' || !record.definition.start) continue;
      const problem = await this.runStep(record, 'start');
      if (!problem) continue;
      if (await this.handleFailure(record, problem)) continue;
      throw new BootError([problem]);
    }
    if (this.stopping) return;
    const active = this.records.filter((r) => r.state === 'active').map((r) => r.id);
    this.core.logger.debug(this.degraded ? 'agent started (degraded)' : 'agent started', {
      active,
      failed: this.records.filter((r) => r.state === 'failed').map((r) => r.id),
    });
    this.agentInfo.state = 'ready';
    const { instanceId, startedAt } = this.agentInfo;
    this.core.bus.publish('kernel', AgentReady, { url: this.agentInfo.localUrl() ?? '', instanceId, startedAt });
  }

  /** Deactivate everything that was activated, in reverse order. Idempotent; safe before start. */
  stop(reason = 'shutdown'): Promise<void> {
    this.stopping ??= this.doStop(reason);
    return this.stopping;
  }

  private async doLoad(): Promise<void> {
    const { config } = this.options;
    const discovery = discoverPlugins({
      builtins: this.options.builtins,
      packages: config.packages,
      softPackages: this.options.softPackages ?? [],
      discover: config.discoverPackages,
      appRoot: this.options.appRoot,
    });
    const problems = [...discovery.problems];
    const ids = new Set<string>();
    for (const found of discovery.plugins) {
      const id = found.definition.id;
      if (ids.has(id)) {
        problems.push({ code: BootCodes.duplicatePlugin, plugin: id, message: `two plugins have the id "${id}"${found.package ? ` (the second from ${found.package})` : ''}` });
        continue;
      }
      ids.add(id);
      const settings = config.plugins[id] ?? {};
      this.records.push({
        disposeSteps: [],
        released: false,
        id,
        definition: found.definition,
        package: found.package,
        source: found.source,
        state: 'discovered',
        reason: null,
        settings,
        required: settings.required ?? found.definition.required ?? false,
        config: undefined,
        providers: new Map(),
        activationStarted: false,
        abort: new AbortController(),
      });
    }
    for (const missing of discovery.missingSoft) {
      this.core.logger.debug('optional plugin package not installed', missing);
    }
    for (const id of Object.keys(config.plugins)) {
      if (!ids.has(id)) {
        problems.push({ code: BootCodes.unknownPlugin, plugin: id, message: `config has settings for unknown plugin "${id}" (known: ${[...ids].sort().join(', ')})`, path: `plugins.${id}` });
      }
    }
    const facts = { version: this.options.version, host: config.host, port: config.port, dataDir: config.dataDir };
    for (const record of this.records) problems.push(...(await gatePlugin(record, { platform: this.core.platform, processes: this.core.processes, log: this.core.logger, agent: facts })));
    const graph = resolveCapabilityGraph(this.records, config.capabilities);
    problems.push(...graph.problems);
    this.order = graph.order;
    for (const [tokenId, ids] of graph.providers) this.registry.setOrder(tokenId, ids);
    this.loadProblems = problems;
    for (const record of this.records) {
      if (record.state === 'skipped' || record.state === 'disabled') this.core.logger.debug('plugin not loaded', { plugin: record.id, state: record.state, reason: record.reason });
    }
  }

  /** Synchronous registration; checks that providers match `provides` and deps are declared. */
  private registerAll(): BootProblem[] {
    const problems: BootProblem[] = [];
    for (const record of this.order) {
      const def = record.definition;
      try {
        def.register?.(
          {
            provide: (token, provider) => {
              if (!(def.provides ?? []).some((t) => t.id === token.id)) {
                throw Object.assign(new Error(`provides ${token.id} without listing it in "provides"`), { code: BootCodes.notProvided });
              }
              for (const [name, dep] of Object.entries(provider.deps ?? {})) {
                if (dep.kind !== 'core' && !declares(record, dep)) {
                  throw Object.assign(new Error(`service ${token.id} depends on ${dep.id} (as "${name}") without declaring it in requires or optional`), { code: BootCodes.undeclaredDependency });
                }
              }
              record.providers.set(token.id, { token, provider: provider as never });
            },
          },
          record.config,
        );
      } catch (error) {
        const err = error as Error & { code?: string };
        problems.push({ code: (err.code as BootProblem['code']) ?? BootCodes.registerFailed, plugin: record.id, message: err.message });
        continue;
      }
      for (const token of def.provides ?? []) {
        if (!record.providers.has(token.id)) {
          problems.push({ code: BootCodes.notProvided, plugin: record.id, message: `lists ${token.id} in "provides" but register() did not provide it` });
        }
      }
    }
    // One container module per plugin; multiple providers come out in the configured order.
    for (const record of this.order) {
      if (record.providers.size === 0) continue;
      this.registry.load(record.id, [...record.providers.values()].map(({ token, provider }) => ({
        token,
        provider,
        resolveDeps: () => this.resolveDeps(record, provider.deps ?? {}),
      })));
    }
    return problems;
  }

  private resolveDeps(record: PluginRecord, deps: Record<string, Token<unknown>>): Record<string, unknown> {
    const resolved: Record<string, unknown> = {};
    for (const [name, token] of Object.entries(deps)) {
      if (token.kind === 'core') resolved[name] = coreServiceFor(token, record, this.core);
      else resolved[name] = token.multiple ? this.registry.getAll(token.id) : this.registry.tryGet(token.id);
    }
    return resolved;
  }

  /** Why a plugin cannot activate now (a required provider failed), or null. */
  private missingAtActivation(record: PluginRecord): string | null {
    for (const token of record.definition.requires ?? []) {
      if (token.kind !== 'core' && !this.registry.has(token.id)) return `requires ${token.id}, whose provider failed to activate`;
    }
    return null;
  }

  /** Run `activate` or `start`, bounded by the plugin's timeout; a problem when it threw or overran. */
  private async runStep(record: PluginRecord, step: 'activate' | 'start'): Promise<BootProblem | null> {
    const def = record.definition;
    const timeoutMs = record.settings.activateTimeoutMs ?? this.options.config.activateTimeoutMs;
    if (step === 'activate') record.activationStarted = true;
    const ctx = this.contextFor(record);
    const verb = step === 'activate' ? 'activating' : 'starting';
    try {
      const result = await withTimeout(
        Promise.resolve().then(() => (step === 'activate' ? def.activate?.(ctx) : def.start?.(ctx))),
        timeoutMs,
        `plugin "${record.id}" did not finish ${verb} within ${timeoutMs} ms`,
        () => record.abort.abort(new TimeoutError(`${step} of "${record.id}" timed out`)),
      );
      if (isDisposable(result)) ctx.onDispose(result);
      if (step === 'activate') {
        record.state = 'active';
        record.reason = null;
        this.core.logger.debug('plugin active', { plugin: record.id });
      }
      return null;
    } catch (error) {
      const timedOut = error instanceof TimeoutError;
      if (!timedOut) this.core.logger.debug(`plugin ${step} failed`, { plugin: record.id, stack: (error as Error)?.stack ?? String(error) });
      return {
        code: timedOut ? BootCodes.activateTimeout : step === 'activate' ? BootCodes.activateFailed : BootCodes.startFailed,
        plugin: record.id,
        message: timedOut ? (error as Error).message : `plugin "${record.id}" failed to ${step}: ${(error as Error)?.message ?? String(error)}`,
      };
    }
  }

  /** Mark a plugin failed. Optional: keep going (degraded), returns true. Required: unwind, returns false. */
  private async handleFailure(record: PluginRecord, problem: BootProblem): Promise<boolean> {
    record.state = 'failed';
    record.reason = problem.message;
    if (!record.required) {
      this.core.logger.warn('optional plugin failed; running degraded', { plugin: record.id, code: problem.code, reason: problem.message });
      if (record.activationStarted) await this.deactivate(record);
      this.registry.unload(record.id);
      return true;
    }
    this.core.logger.error('required plugin failed; aborting boot', { plugin: record.id, code: problem.code, reason: problem.message });
    await this.stop('boot failed');
    return false;
  }

  private contexts = new Map<string, PluginContext<unknown>>();

  private contextFor(record: PluginRecord): PluginContext<unknown> {
    let ctx = this.contexts.get(record.id);
    if (!ctx) {
      ctx = createPluginContext(record, this.core, this.registry, (step) => void this.release(record, [step]));
      this.contexts.set(record.id, ctx);
    }
    return ctx;
  }

  private async doStop(reason: string): Promise<void> {
    this.core.logger.info('stopping agent', { reason });
    this.agentInfo.state = 'stopping';
    this.core.bus.publish('kernel', AgentStopping, { reason });
    const started = this.order.filter((r) => r.activationStarted).reverse();
    for (const record of started) {
      record.abort.abort(new Error(`agent stopping: ${reason}`));
      await this.deactivate(record);
      if (record.state === 'active') record.state = 'stopped';
      this.registry.unload(record.id);
    }
    const processes = this.core.processes as { stopAll?(graceMs?: number): Promise<void> };
    await processes.stopAll?.();
    this.agentInfo.state = 'stopped';
    this.core.logger.info('agent stopped', { reason });
  }

  private deactivated = new Set<string>();

  /**
   * End a plugin's activation once: its `deactivate`, then its `onDispose` steps newest first, each
   * bounded in time; errors are logged, never thrown.
   */
  private async deactivate(record: PluginRecord): Promise<void> {
    if (this.deactivated.has(record.id)) return;
    this.deactivated.add(record.id);
    const def = record.definition;
    if (def.deactivate) {
      await this.bounded(record, 'deactivate', () => def.deactivate?.(this.contextFor(record)));
    }
    record.released = true;
    await this.release(record, record.disposeSteps.splice(0).reverse());
  }

  private async release(record: PluginRecord, steps: DisposeStep[]): Promise<void> {
    for (const step of steps) {
      await this.bounded(record, 'dispose step', () => (typeof step === 'function' ? step() : step.dispose()));
    }
  }

  private async bounded(record: PluginRecord, what: string, fn: () => unknown): Promise<void> {
    const timeoutMs = record.settings.activateTimeoutMs ?? this.options.config.activateTimeoutMs;
    try {
      await withTimeout(Promise.resolve().then(fn), timeoutMs, `plugin "${record.id}": ${what} did not finish within ${timeoutMs} ms`);
    } catch (error) {
      this.core.logger.error(`plugin ${what} failed`, { plugin: record.id, error: (error as Error)?.message ?? String(error) });
    }
  }
}

function isDisposable(value: unknown): value is Disposable {
  return typeof value === 'object' && value !== null && typeof (value as Disposable).dispose === 'function';
}
