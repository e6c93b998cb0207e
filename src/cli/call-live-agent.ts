import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig } from '../kernel/config/agent-config-schema';

/** The running agent's answer to one call. */
export interface LiveAnswer {
  status: number;
  body: unknown;
}

/** The URL a local client reaches an agent with this config at (wildcard binds through loopback). */
export function liveAgentUrl(config: AgentConfig): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/**
 * Call the agent running with this config as its local admin (the `local-token` file in the data
 * dir, as `plugins ls` does). Throws with what to do when no agent answers or the token is missing.
 */
export async function callLiveAgent(config: AgentConfig, method: string, route: string, body?: unknown, timeoutMs = 5000): Promise<LiveAnswer> {
  const url = liveAgentUrl(config);
  let token: string;
  try {
    token = (await readFile(path.join(config.dataDir, 'local-token'), 'utf8')).trim();
  } catch {
    throw new Error(`no local token in ${config.dataDir} (is the agent running with this config? start it with tunnelforge start or tunnelforge service install)`);
  }
  let response: Response;
  try {
    response = await fetch(url + route, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new Error(`no agent answers at ${url} (${(error as Error).message}); start it with tunnelforge start or tunnelforge service install`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed };
}
