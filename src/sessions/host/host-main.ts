import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { VERSION } from '../../agent/version';
import { SystemClock } from '../../kernel/core/system-clock';
import { createLogger } from '../../kernel/logger/create-logger';
import { HOST_PROTOCOL } from './host-frames';
import { hostPaths } from './host-paths';
import { acquireOwnerLock } from './owner-lock';
import { SessionHostServer } from './session-host-server';

/** Exit status when another host already serves this data dir. */
export const EXIT_HOST_RUNNING = 3;
/** A host with no agent and no running session for this long ends itself. */
const DEFAULT_IDLE_EXIT_MS = 10 * 60_000;

/** Write a file the way nobody sees it half-written, readable by this OS user only. */
function writePrivate(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

/**
 * The session host process: `node host-main.js --data-dir DIR`. Started detached by the agent (so
 * it outlives the agent), it owns the PTYs of that data dir's sessions and serves one agent at a
 * time on a private socket.
 */
export function runSessionHost(argv: readonly string[]): void {
  const at = argv.indexOf('--data-dir');
  const dataDir = at >= 0 ? argv[at + 1] : undefined;
  const log = createLogger({ level: (process.env.TUNNELFORGE_LOG_LEVEL as 'info' | undefined) ?? 'info', format: 'json' }).child({ component: 'session-host' });
  if (!dataDir) {
    log.error('usage: host-main --data-dir DIR');
    process.exit(2);
  }
  const paths = hostPaths(dataDir);
  mkdirSync(path.dirname(paths.lock), { recursive: true, mode: 0o700 });
  const lock = acquireOwnerLock(paths.lock);
  if (!lock.ok) {
    log.error('another session host serves this data dir', { pid: lock.owner.pid, dataDir });
    process.exit(EXIT_HOST_RUNNING);
  }
  const secret = randomBytes(32).toString('hex');
  writePrivate(paths.secret, secret);
  const clock = new SystemClock();
  const cleanup = (): void => {
    for (const file of [paths.info, paths.secret, paths.socket]) rmSync(file, { force: true });
    lock.release();
  };
  let ending = false;
  const end = (code: number): void => {
    if (ending) return;
    ending = true;
    listener.close();
    cleanup();
    log.info('session host stopped');
    process.exit(code);
  };
  const host = new SessionHostServer({ secret, version: VERSION, clock, log, onShutdown: () => end(0) });
  const listener = net.createServer((socket) => host.accept(socket));
  if (process.platform !== 'win32') {
    mkdirSync(path.dirname(paths.socket), { recursive: true, mode: 0o700 });
    rmSync(paths.socket, { force: true }); // a stale socket of a dead host (we hold the lock)
  }
  listener.on('error', (error) => {
    log.error('session host socket failed', { error: String(error), socket: paths.socket });
    cleanup();
    process.exit(1);
  });
  listener.listen(paths.socket, () => {
    if (process.platform !== 'win32') chmodSync(paths.socket, 0o600);
    writePrivate(paths.info, JSON.stringify({ pid: process.pid, hostId: host.hostId, version: VERSION, protocol: HOST_PROTOCOL, socket: paths.socket, startedAt: host.startedAt }));
    log.info('session host listening', { socket: paths.socket, pid: process.pid, hostId: host.hostId });
  });
  const idleExitMs = Number(process.env.TUNNELFORGE_HOST_IDLE_MS) > 0 ? Number(process.env.TUNNELFORGE_HOST_IDLE_MS) : DEFAULT_IDLE_EXIT_MS;
  setInterval(() => {
    if (host.idleFor(idleExitMs)) {
      log.info('no agent and no running session: ending', { idleMs: idleExitMs });
      host.endAll().finally(() => end(0));
    }
  }, Math.min(5000, idleExitMs)).unref();
  // A closing terminal of whoever started the agent must not end the host.
  process.on('SIGHUP', () => undefined);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log.info('signal: ending every session', { signal });
      host.endAll().finally(() => end(0));
    });
  }
  // The host holds people's terminals: log a bug and keep serving rather than dropping them all.
  process.on('uncaughtException', (error) => log.error('uncaught exception in the session host', { error: error.stack ?? String(error) }));
}

if (require.main === module) runSessionHost(process.argv.slice(2));
