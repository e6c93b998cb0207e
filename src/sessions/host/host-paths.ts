import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';

/** Unix socket paths longer than this do not fit `sockaddr_un` on Linux (108) or macOS (104). */
const MAX_SOCKET_PATH = 100;

/** Where the session host of a data dir keeps its files. One host per data dir. */
export interface HostPaths {
  /** `{ pid, startTime }` of the running host (an owner lock). */
  lock: string;
  /** `{ pid, hostId, version, protocol, socket, startedAt }`, written once the host listens. */
  info: string;
  /** Random per host run, 0600: only the OS user who runs the agent can read it. */
  secret: string;
  /** The host's log (stdout and stderr of the detached process). */
  log: string;
  /** The agent's own owner lock: two agents never drive one host. */
  agentLock: string;
  /** The socket (a named pipe on Windows). */
  socket: string;
}

export function hostPaths(dataDir: string): HostPaths {
  const dir = path.resolve(dataDir);
  return {
    lock: path.join(dir, 'session-host.lock'),
    info: path.join(dir, 'session-host.json'),
    secret: path.join(dir, 'session-host.secret'),
    log: path.join(dir, 'session-host.log'),
    agentLock: path.join(dir, 'agent.lock'),
    socket: socketPath(dir),
  };
}

function socketPath(dir: string): string {
  const digest = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\tunnelforge-${digest}`;
  const inDataDir = path.join(dir, 'session-host.sock');
  if (inDataDir.length <= MAX_SOCKET_PATH) return inDataDir;
  // A deep data dir: a short name in a per-user 0700 directory (created by the host).
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `tunnelforge-${uid}`, `${digest}.sock`);
}
