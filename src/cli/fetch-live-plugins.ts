import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentConfig } from '../kernel/config/agent-config-schema';
import type { PluginReport } from '../kernel/kernel';

/** How long `plugins ls` waits for a running agent before falling back to a dry run. */
const LIVE_TIMEOUT_MS = 800;

/**
 * The live plugin states of an agent already running with this config (found at its host:port and
 * authenticated with the local token file), or null when none answers. Never throws.
 */
export async function fetchLivePlugins(config: AgentConfig): Promise<PluginReport[] | null> {
  if (config.port === 0) return null;
  let token: string;
  try {
    token = (await readFile(path.join(config.dataDir, 'local-token'), 'utf8')).trim();
  } catch {
    return null;
  }
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/api/plugins`;
  try {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(LIVE_TIMEOUT_MS) });
    if (!response.ok) return null;
    const body = (await response.json()) as unknown;
    return Array.isArray(body) ? (body as PluginReport[]) : null;
  } catch {
    return null;
  }
}
