import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { readProcessStartTime } from './process-start-time';

/** What a lock file says about the process holding it. */
export interface LockOwner {
  pid: number;
  /** See readProcessStartTime; null when unknown (other systems, a lock written by an older version). */
  startTime: string | null;
  /** Host name: a pid means nothing on another machine (a data dir on a network share). */
  host: string | null;
  /** Unique per acquisition, so a takeover can tell "the dead lock I judged" from a fresh one. */
  nonce: string | null;
}

/** The owner record for a lock this process takes now. */
export async function currentLockOwner(): Promise<LockOwner> {
  return { pid: process.pid, startTime: await readProcessStartTime(process.pid), host: os.hostname(), nonce: randomBytes(8).toString('hex') };
}

/**
 * Reads a lock file's content: the JSON this version writes, or the bare pid older versions wrote
 * (same host assumed, start time unknown). Null for anything else (an empty file from a crash
 * between creating and writing the lock).
 */
export function parseLockOwner(text: string): LockOwner | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), startTime: null, host: null, nonce: null };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { pid, startTime, host, nonce } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid)) return null;
  return {
    pid,
    startTime: typeof startTime === 'string' ? startTime : null,
    host: typeof host === 'string' ? host : null,
    nonce: typeof nonce === 'string' ? nonce : null,
  };
}
