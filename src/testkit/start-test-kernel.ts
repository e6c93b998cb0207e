import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentEvent, Clock, Logger, Platform, PlatformInfo, PluginDefinition, ProcessRunner, Token } from '../plugin-api';
import { agentConfigSchema, type AgentConfigInput } from '../kernel/config/agent-config-schema';
import { Kernel, type PluginReport } from '../kernel/kernel';
import { MemoryLogger } from '../kernel/logger/memory-logger';
import { SimulatedPlatform } from './simulated-platform';

export interface TestKernelOptions {
  /** Plugins to load (as built-ins). Nothing else is loaded unless `config.packages` names it. */
  plugins: readonly PluginDefinition<any>[];
  /** A simulated OS (`'darwin'`, `'win32'`, `'linux'`) or a full `PlatformInfo`. Default: the real one. */
  platform?: Platform | PlatformInfo;
  /** Agent config; `dataDir` defaults to a fresh temp dir, `port` to 0. */
  config?: AgentConfigInput;
  clock?: Clock;
  /** e.g. a `FakeProcessRunner`; default: the real runner (argv only, tracked children). */
  processes?: ProcessRunner;
  logger?: Logger;
  /** Where `config.packages` resolve from. Default: the current directory. */
  appRoot?: string;
  /** Call `start()` (default true). With false, only `load()` runs: gating and graph, no activation. */
  start?: boolean;
}

/** A kernel under test and ways to look inside it. */
export interface TestKernel {
  readonly kernel: Kernel;
  /** Records every log line (when no logger was passed). */
  readonly logger: MemoryLogger;
  /** Every event published on the bus, in order. */
  readonly events: AgentEvent[];
  readonly dataDir: string;
  report(): PluginReport[];
  /** The report entry of one plugin; throws if unknown. */
  plugin(id: string): PluginReport;
  /** The active provider of a capability (undefined when none). */
  get<T>(token: Token<T>): T | undefined;
  getAll<T>(token: Token<T>): T[];
  /** Stop the kernel and remove the temp data dir. */
  stop(): Promise<void>;
}

/**
 * Start a kernel with chosen plugins, a simulated platform and replaceable core services: the test
 * kit for plugin authors (and for TunnelForge's own tests). `start()` errors (a `BootError`) propagate.
 */
export async function startTestKernel(options: TestKernelOptions): Promise<TestKernel> {
  const dataDir = options.config?.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'tf-testkit-'));
  const ownDataDir = options.config?.dataDir === undefined;
  const config = agentConfigSchema.parse({ port: 0, ...options.config, dataDir, plugins: inProcessSessionsByDefault(options.config?.plugins, options.plugins) });
  const logger = options.logger instanceof MemoryLogger ? options.logger : new MemoryLogger();
  const platform = typeof options.platform === 'string' ? new SimulatedPlatform({ platform: options.platform }) : options.platform;
  const kernel = new Kernel({
    config,
    builtins: options.plugins,
    logger: options.logger ?? logger,
    version: '0.0.0-test',
    appRoot: options.appRoot ?? process.cwd(),
    platform,
    clock: options.clock,
    processes: options.processes,
  });
  const events: AgentEvent[] = [];
  kernel.events.subscribe('*', (event) => events.push(event));
  const cleanup = () => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (options.start === false) await kernel.load();
    else await kernel.start();
  } catch (error) {
    cleanup();
    throw error;
  }
  return {
    kernel,
    logger,
    events,
    dataDir,
    report: () => kernel.report(),
    plugin(id) {
      const entry = kernel.report().find((r) => r.id === id);
      if (!entry) throw new Error(`no plugin "${id}" in this kernel (have: ${kernel.report().map((r) => r.id).join(', ')})`);
      return entry;
    },
    get: (token) => kernel.service(token),
    getAll: (token) => kernel.services(token),
    async stop() {
      await kernel.stop('test done');
      cleanup();
    },
  };
}

/**
 * Test agents run terminal sessions inside the agent unless a test asks for the session host
 * (`plugins['core-sessions'].options.mode = 'host'`): a test's sessions then end with its agent
 * and never leave a detached host process behind.
 */
function inProcessSessionsByDefault(plugins: AgentConfigInput['plugins'], loaded: TestKernelOptions['plugins']): AgentConfigInput['plugins'] {
  if (!loaded.some((plugin) => plugin.id === 'core-sessions')) return plugins;
  const sessions = plugins?.['core-sessions'];
  const options = (sessions?.options ?? {}) as Record<string, unknown>;
  if (options.mode !== undefined) return plugins;
  return { ...plugins, 'core-sessions': { ...sessions, options: { ...options, mode: 'in-process' } } };
}
