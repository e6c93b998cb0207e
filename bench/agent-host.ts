import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createAgent } from '../src/agent/create-agent';
import { agentConfigSchema, type AgentConfigInput } from '../src/kernel/config/agent-config-schema';
import { createLogger } from '../src/kernel/logger/create-logger';
import type { Kernel } from '../src/kernel/kernel';
import { agentApi } from './agent-api';
import { agentEndpoint, sleep, withTimeout, type AgentEndpoint } from './common';

/** An agent as the bench drives it over its HTTP API, with the local (admin) token. */
export interface AgentApiClient {
  endpoint: AgentEndpoint;
  /** HTTP API call with the local token. */
  api(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Create a session (201 expected) and remember it for cleanup. */
  createSession(body: Record<string, unknown>): Promise<SessionInfoLite>;
  /** End and remove a session (DELETE twice); tolerant of sessions already gone. */
  removeSession(id: string): Promise<void>;
  /** Poll the session until `predicate(info)` holds; bounded. */
  waitSession(id: string, predicate: (info: SessionInfoLite) => boolean, timeoutMs: number, what: string): Promise<SessionInfoLite>;
  /** Remove every session this host created that is still there. */
  removeAll(): Promise<void>;
}

/** The real agent, started in this process (createAgent: every built-in plugin, real uWS, real PTYs). */
export interface AgentHost extends AgentApiClient {
  kernel: Kernel;
  dataDir: string;
  /** Active plugin ids (recorded with the results: other plugins share the agent's event loop). */
  plugins: string[];
  stop(): Promise<void>;
}

export interface SessionInfoLite {
  id: string;
  pid: number | null;
  state: 'running' | 'exited';
  outputBytes: number;
  clients: number;
  cols: number;
  rows: number;
  command: string[];
}

export interface AgentHostOptions {
  dataDir: string;
  logLevel: 'warn' | 'error' | 'silent' | 'info' | 'debug';
  /** Extra sessions config (`plugins.core-sessions.options`); defaults are the shipped ones. */
  sessions?: Record<string, unknown>;
  /** Plugin ids to disable (investigation only). */
  disablePlugins?: string[];
}

export async function startAgentHost(options: AgentHostOptions): Promise<AgentHost> {
  const input: AgentConfigInput = {
    host: '127.0.0.1',
    port: 0,
    dataDir: options.dataDir,
    logLevel: options.logLevel,
    logFormat: 'json',
    plugins: {
      ...Object.fromEntries((options.disablePlugins ?? []).map((id) => [id, { enabled: false }])),
      'core-sessions': { options: { ...options.sessions } },
    },
  };
  const config = agentConfigSchema.parse(input);
  // Logs go to stderr: stdout is reserved for the results (and exactly one JSON object with --json).
  const logger = createLogger({ level: config.logLevel, format: 'json', destination: process.stderr });
  const kernel = createAgent({ config, logger, configDir: process.cwd() });
  let url: string | null = null;
  kernel.events.subscribe('server.listening', (event) => {
    const data = event.data as { url?: unknown };
    if (typeof data?.url === 'string') url = data.url;
  });
  await withTimeout(kernel.start(), 30_000, 'agent start');
  for (let i = 0; i < 100 && url === null; i++) await sleep(20);
  if (url === null) {
    await kernel.stop('bench: no server.listening').catch(() => undefined);
    throw new Error('the agent did not report server.listening');
  }
  const httpUrl: string = url;
  const token = (await readFile(path.join(options.dataDir, 'local-token'), 'utf8')).trim();
  const client = agentApiClient(agentEndpoint(httpUrl, token));
  return {
    ...client,
    kernel,
    dataDir: options.dataDir,
    plugins: kernel.report().filter((p) => p.state === 'active').map((p) => p.id),
    async stop() {
      await client.removeAll().catch(() => undefined);
      await withTimeout(kernel.stop('bench done'), 20_000, 'agent stop');
    },
  };
}

/** The HTTP side of an agent at `endpoint`: sessions it creates are remembered for cleanup. */
export function agentApiClient(endpoint: AgentEndpoint): AgentApiClient {
  const created = new Set<string>();

  const api = (method: string, route: string, body?: unknown) => agentApi(endpoint, method, route, body);
  const removeSession = async (id: string): Promise<void> => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { status } = await api('DELETE', `/api/sessions/${id}`);
      if (status === 204 || status === 404) {
        created.delete(id);
        return;
      }
    }
    throw new Error(`could not remove session ${id}`);
  };

  const removeAll = async (): Promise<void> => {
    await Promise.all([...created].map((id) => removeSession(id).catch(() => undefined)));
  };

  return {
    endpoint,
    api,
    async createSession(body) {
      const { status, json } = await api('POST', '/api/sessions', body);
      if (status !== 201) throw new Error(`create session: HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
      created.add(json.id);
      return json as SessionInfoLite;
    },
    removeSession,
    async waitSession(id, predicate, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { status, json } = await api('GET', `/api/sessions/${id}`);
        if (status !== 200) throw new Error(`session ${id}: HTTP ${status}`);
        if (predicate(json as SessionInfoLite)) return json as SessionInfoLite;
        if (Date.now() > deadline) throw new Error(`timeout after ${timeoutMs} ms waiting for ${what} (outputBytes ${json.outputBytes})`);
        await sleep(25);
      }
    },
    removeAll,
  };
}
