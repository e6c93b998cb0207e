import { builtinPlugins } from '../agent/builtin-plugins';
import type { AgentConfigInput } from '../kernel/config/agent-config-schema';
import type { PluginReport } from '../kernel/kernel';
import type { LogEntry } from '../kernel/logger/memory-logger';
import type { AgentEvent, Clock, EventType, Platform, PlatformInfo, PluginDefinition, ProcessRunner, Role, Token } from '../plugin-api';
import { ApiTokens } from '../plugins/shared/api-tokens';
import { startTestKernel, type TestKernel } from './start-test-kernel';
import { createTestHttpClient, type TestHttpClient } from './test-http-client';
import { TestWsClient } from './test-ws-client';

/** Options of {@link startTestAgent}. */
export interface TestAgentOptions {
  /** The plugins under test, loaded next to the agent's built-in plugins (as built-ins themselves). Default: none. */
  plugins?: readonly PluginDefinition<any>[];
  /**
   * Agent config, as in `tunnelforge.config.ts` (`plugins.<id>.options` for your plugin's slice).
   * Defaults that differ from a real start: `port` 0 (a free one), `dataDir` a fresh temp dir
   * (removed by `stop()`; a given one is kept). `host` stays the loopback default.
   */
  config?: AgentConfigInput;
  /** A simulated OS for the plugins' gates and `ctx.platform` (`'darwin'`, `'win32'`, a `PlatformInfo`). Default: the real one. */
  platform?: Platform | PlatformInfo;
  /** e.g. a `FakeProcessRunner`; default: real child processes. PTY sessions are always real. */
  processes?: ProcessRunner;
  /** Default: the system clock. A fake clock also drives token expiry, so keep it real unless you test time. */
  clock?: Clock;
  /** Where `config.packages` resolve from. Default: the current directory. */
  appRoot?: string;
}

/** Who a request or WebSocket of the test agent acts as. */
export type TestPrincipal = Role | 'anonymous';

/** Options of {@link TestAgent.connect}. */
export interface TestAgentConnectOptions {
  /** Role of the credential sent (an API token of that role); `'anonymous'` sends none. Default `'admin'`. */
  as?: TestPrincipal;
  /** Send this bearer token instead (a share token, a bad one). Wins over `as`. */
  token?: string;
  /** `Origin` header (none by default, like a desktop client); the agent's own origin is `agent.url`. */
  origin?: string;
  /** Subprotocols to offer; default `['tunnelforge.v1']`. */
  protocols?: string[];
}

/**
 * The real agent, running for a test: built-in plugins (HTTP on 127.0.0.1 with a free port,
 * sessions with real PTYs, the whole auth chain) plus the plugins under test.
 */
export interface TestAgent {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/ws`, the protocol v1 endpoint. */
  readonly wsUrl: string;
  readonly dataDir: string;
  /** Every event published on the bus since boot, in order (a live array). */
  readonly events: readonly AgentEvent[];
  /** Every log line since boot, at every level, fields redacted as in production (a live array). */
  readonly logs: readonly LogEntry[];
  /** HTTP requests carrying an API token of `role`. The token is created on first use through the real `auth-token` plugin. */
  as(role: Role): TestHttpClient;
  /** HTTP requests without any credential. */
  anonymous(): TestHttpClient;
  /** HTTP requests with this bearer token (for example `'garbage'`, to see the 401). */
  withToken(token: string): TestHttpClient;
  /** The API token behind `as(role)` (for clients of your own, such as `EventSource` or `fetch`). */
  token(role: Role): Promise<string>;
  /** Open a protocol v1 WebSocket (see {@link TestWsClient}); closed by `stop()` if still open. */
  connect(options?: TestAgentConnectOptions): Promise<TestWsClient>;
  /**
   * The first event of `type` (a typed `defineEvent` token, a name, `'session.*'` or `'*'`) for which
   * `predicate` holds, already captured or still to come; rejects after `timeoutMs` (default 5 s)
   * listing the types seen.
   */
  waitForEvent<T>(type: EventType<T>, predicate?: (event: AgentEvent<T>) => boolean, timeoutMs?: number): Promise<AgentEvent<T>>;
  waitForEvent(type: string, predicate?: (event: AgentEvent) => boolean, timeoutMs?: number): Promise<AgentEvent>;
  /** The active provider of a capability, as the agent's own code sees it (undefined when none). */
  get<T>(token: Token<T>): T | undefined;
  getAll<T>(token: Token<T>): T[];
  /** The report entry of one plugin (`state`, `reason`, ...); throws if there is no such plugin. */
  plugin(id: string): PluginReport;
  /** Every plugin, as `tunnelforge plugins ls` shows them. */
  report(): PluginReport[];
  /** The underlying {@link TestKernel}, for what the helpers above do not cover. */
  readonly kernel: TestKernel;
  /** Close open WebSockets, stop every plugin (reverse order), remove a temp data dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Start the real TunnelForge agent with your plugins, for integration tests: real HTTP and WebSocket
 * server on a free loopback port, real PTY sessions, the real auth chain (requests carry real API
 * tokens of the role you pick). Use {@link startTestKernel} instead for fast unit tests of a plugin's
 * gates and services with a simulated platform and fake processes.
 *
 * A `BootError` (a required plugin failed) propagates; an optional plugin that failed or was skipped
 * leaves the agent running: check `plugin(id).state`. Always `await agent.stop()` (in `afterEach`).
 */
export async function startTestAgent(options: TestAgentOptions = {}): Promise<TestAgent> {
  const tk = await startTestKernel({
    plugins: [...builtinPlugins(), ...(options.plugins ?? [])],
    config: { port: 0, ...options.config },
    platform: options.platform,
    processes: options.processes,
    clock: options.clock,
    appRoot: options.appRoot,
  });
  let url: string;
  try {
    url = listeningUrl(tk);
  } catch (error) {
    await tk.stop();
    throw error;
  }
  const sockets = new Set<TestWsClient>();
  const tokens = new Map<Role, Promise<string>>();
  const token = (role: Role): Promise<string> => {
    let created = tokens.get(role);
    if (created === undefined) {
      created = createToken(tk, role);
      // A failed creation is not cached, so the next call reports the cause again.
      created.catch(() => tokens.delete(role));
      tokens.set(role, created);
    }
    return created;
  };
  const wsUrl = url.replace(/^http/, 'ws') + '/ws';
  let stopping: Promise<void> | undefined;

  function waitForEvent(type: EventType<unknown> | string, predicate: (event: AgentEvent<any>) => boolean = () => true, timeoutMs = 5000): Promise<AgentEvent<any>> {
    const pattern = typeof type === 'string' ? type : type.type;
    const wanted = (event: AgentEvent) => matchesPattern(pattern, event.type) && predicate(event);
    const seen = tk.events.find(wanted);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const subscription = tk.kernel.events.subscribe('*', (event) => {
        if (!wanted(event)) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(event);
      });
      const timer = setTimeout(() => {
        subscription.dispose();
        const types = [...new Set(tk.events.map((e) => e.type))];
        reject(new Error(`no "${pattern}" event matching the predicate within ${timeoutMs} ms; types seen: ${types.join(', ') || 'none'}`));
      }, timeoutMs);
    });
  }

  return {
    url,
    wsUrl,
    dataDir: tk.dataDir,
    events: tk.events,
    logs: tk.logger.entries,
    kernel: tk,
    as: (role) => createTestHttpClient(url, () => token(role)),
    anonymous: () => createTestHttpClient(url, async () => null),
    withToken: (bearer) => createTestHttpClient(url, async () => bearer),
    token,
    async connect(connectOptions = {}) {
      const principal = connectOptions.as ?? 'admin';
      const bearer = connectOptions.token ?? (principal === 'anonymous' ? null : await token(principal));
      const client = await TestWsClient.connect(wsUrl, { token: bearer, origin: connectOptions.origin, protocols: connectOptions.protocols });
      sockets.add(client);
      return client;
    },
    waitForEvent: waitForEvent as TestAgent['waitForEvent'],
    get: (capability) => tk.get(capability),
    getAll: (capability) => tk.getAll(capability),
    plugin: (id) => tk.plugin(id),
    report: () => tk.report(),
    stop() {
      stopping ??= (async () => {
        await Promise.all([...sockets].map((socket) => socket.close()));
        await tk.stop();
      })();
      return stopping;
    },
  };
}

/** The server's URL from its `server.listening` event, or why there is none. */
function listeningUrl(tk: TestKernel): string {
  const event = tk.events.find((e) => e.type === 'server.listening');
  const url = (event?.data as { url?: unknown } | undefined)?.url;
  if (typeof url === 'string') return url;
  const http = tk.report().find((p) => p.id === 'core-http');
  throw new Error(`startTestAgent: the HTTP server did not start (core-http is ${http?.state ?? 'missing'}${http?.reason ? `: ${http.reason}` : ''}); see the test agent's logs`);
}

/** An API token of `role`, made by the real `auth-token` plugin (the same store as `tunnelforge token create`). */
async function createToken(tk: TestKernel, role: Role): Promise<string> {
  const tokens = tk.get(ApiTokens);
  if (tokens === undefined) {
    const state = tk.report().find((p) => p.id === 'auth-token');
    throw new Error(`startTestAgent: as('${role}') needs the built-in auth-token plugin, which is ${state?.state ?? 'missing'}${state?.reason ? ` (${state.reason})` : ''}`);
  }
  const { token } = await tokens.create({ name: `testkit ${role}`, role, expiresInMs: null });
  return token;
}

/** `*` matches all, `a.*` matches `a.b` and deeper, anything else matches exactly (as the event bus does). */
function matchesPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}
