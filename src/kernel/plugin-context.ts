import { AgentInfo, Clock, Config, EventBus, Logger, PlatformInfo, ProcessRunner, type DisposeStep, type PluginContext, type Token } from '../plugin-api';
import { BootCodes } from './boot-problem';
import type { PluginRecord } from './plugin-record';
import type { ServiceRegistry } from './service-registry';
import type { LocalEventBus } from './core/local-event-bus';

/** Kernel-wide core services from which each plugin gets its own view. */
export interface CoreServices {
  logger: Logger;
  agent: AgentInfo;
  platform: PlatformInfo;
  processes: ProcessRunner;
  clock: Clock;
  bus: LocalEventBus;
}

/** An error with a stable code, thrown to plugin code. */
export class KernelError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'KernelError';
  }
}

/** Resolve a core token for a given plugin (its logger child, its config slice, ...). */
export function coreServiceFor(token: Token<unknown>, record: PluginRecord, core: CoreServices): unknown {
  switch (token.id) {
    case Logger.id: return core.logger.child({ plugin: record.id });
    case Config.id: return record.config;
    case AgentInfo.id: return core.agent;
    case PlatformInfo.id: return core.platform;
    case ProcessRunner.id: return core.processes;
    case Clock.id: return core.clock;
    case EventBus.id: return core.bus.forSource(record.id);
    default: throw new KernelError(BootCodes.missingCapability, `unknown core service ${token.id}`);
  }
}

/** True when the plugin declared the token (requires, optional or provides). */
export function declares(record: PluginRecord, token: Token<unknown>): boolean {
  const def = record.definition;
  return [...(def.requires ?? []), ...(def.optional ?? []), ...(def.provides ?? [])].some((t) => t.id === token.id);
}

/**
 * Build the context handed to a plugin's activate/start/deactivate. `releaseLate` runs a step
 * registered after the activation was already released (a timed-out `activate` still running).
 */
export function createPluginContext(
  record: PluginRecord,
  core: CoreServices,
  registry: ServiceRegistry,
  releaseLate: (step: DisposeStep) => void,
): PluginContext<unknown> {
  const checkDeclared = (token: Token<unknown>) => {
    if (token.kind !== 'core' && !declares(record, token)) {
      throw new KernelError(BootCodes.undeclaredDependency, `plugin "${record.id}" uses ${token.id} without declaring it in requires or optional`);
    }
  };
  const tryGet = <T>(token: Token<T>): T | undefined => {
    checkDeclared(token);
    if (token.kind === 'core') return coreServiceFor(token, record, core) as T;
    return registry.tryGet<T>(token.id);
  };
  return {
    id: record.id,
    config: record.config,
    log: core.logger.child({ plugin: record.id }),
    agent: core.agent,
    platform: core.platform,
    processes: core.processes,
    clock: core.clock,
    events: core.bus.forSource(record.id),
    signal: record.abort.signal,
    onDispose(step: DisposeStep) {
      if (typeof step !== 'function' && typeof step?.dispose !== 'function') {
        throw new TypeError(`plugin "${record.id}": onDispose takes a function or a Disposable`);
      }
      if (record.released) releaseLate(step);
      else record.disposeSteps.push(step);
    },
    tryGet,
    get<T>(token: Token<T>): T {
      const service = tryGet(token);
      if (service === undefined) throw new KernelError(BootCodes.missingCapability, `no active provider of ${token.id} (plugin "${record.id}")`);
      return service;
    },
    getAll<T>(token: Token<T>): T[] {
      checkDeclared(token);
      if (token.kind === 'core') return [coreServiceFor(token, record, core) as T];
      return registry.getAll<T>(token.id);
    },
  };
}
