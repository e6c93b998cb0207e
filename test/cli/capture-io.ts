import { EventEmitter } from 'node:events';
import type { CliIo } from '../../src/cli/cli-io';

/** An in-memory `CliIo`: output buffers, a fake signal source and a recorded `exit`. */
export function captureIo(cwd: string, env: Record<string, string | undefined> = {}, extra: Partial<CliIo> = {}) {
  let out = '';
  let err = '';
  const signals = new EventEmitter();
  const exits: number[] = [];
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { HOME: cwd, ...env },
    cwd,
    signals,
    exit: (code) => void exits.push(code),
    ...extra,
  };
  return {
    io,
    stdout: () => out,
    stderr: () => err,
    /** JSON log lines written to stdout. */
    logLines: () => out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
    signal: (name: 'SIGINT' | 'SIGTERM') => signals.emit(name, name),
    listenerCount: () => signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM'),
    exits,
  };
}

/** Resolve once `check()` is true (polling), or fail after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}
