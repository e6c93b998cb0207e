import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentInfo } from '../plugin-api';
import { atomicWriteFile } from '../plugins/shared/atomic-write-file';
import { removeStaleTempFiles } from '../plugins/shared/remove-stale-temp-files';

/** What `tunnelforge start --ready-file PATH` writes once the agent is ready. */
export interface ReadyFileContent {
  /** The real URL (with the port `--port 0` picked). */
  url: string | null;
  pid: number;
  instanceId: string;
  version: string;
  startedAt: string;
}

/**
 * Write the ready file atomically (temp file + rename), so a program polling for it never reads a
 * half-written one: its existence means "ready", its content says where.
 */
export async function writeReadyFile(file: string, agent: Pick<AgentInfo, 'localUrl' | 'instanceId' | 'version' | 'startedAt'>): Promise<void> {
  const content: ReadyFileContent = { url: agent.localUrl(), pid: process.pid, instanceId: agent.instanceId, version: agent.version, startedAt: agent.startedAt };
  // A crashed earlier start may have left its temp file next to it.
  await removeStaleTempFiles(path.resolve(file));
  await atomicWriteFile(path.resolve(file), JSON.stringify(content) + '\n', 0o644);
}

/** Remove it at shutdown, so a stale file never points at a dead agent. */
export async function removeReadyFile(file: string): Promise<void> {
  await rm(path.resolve(file), { force: true });
}
