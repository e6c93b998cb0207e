import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Folder of the agent's log files (`tunnelforge start`) and the audit trail (`audit-log`), inside the data dir. */
export const LOGS_DIR = 'logs';
/** pino-roll numbers the files: `agent.1.log`, `agent.2.log`, … (the highest is the current one). */
const AGENT_LOG = /^agent\.(\d+)\.log$/;

/** `<dataDir>/logs`. */
export function logsDir(dataDir: string): string {
  return path.join(dataDir, LOGS_DIR);
}

/** The agent's log files in `dir`, oldest first; `[]` when there are none (or no folder). */
export async function agentLogFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, n: AGENT_LOG.exec(name)?.[1] }))
    .filter((f): f is { name: string; n: string } => f.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map((f) => path.join(dir, f.name));
}

/** The audit trail's current file in `dir` (older ones are `audit.1.log`, `audit.2.log`, …). */
export function auditLogFile(dir: string): string {
  return path.join(dir, 'audit.log');
}
