import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { hostPaths } from '../sessions/host/host-paths';
import { ownerAlive, readOwner } from '../sessions/host/owner-lock';
import type { CliContext } from './cli-context';
import { configOption } from './cli-options';
import { resolveCliDataDir } from './resolve-cli-data-dir';

interface Location {
  config?: string;
  dataDir?: string;
}

/** The running session host of a data dir: its pid and what it wrote about itself, or null. */
function runningHost(dataDir: string): { pid: number; hostId: string | null; startedAt: string | null; version: string | null } | null {
  const paths = hostPaths(dataDir);
  const owner = readOwner(paths.lock);
  if (owner === null || !ownerAlive(owner)) return null;
  try {
    const info = JSON.parse(readFileSync(paths.info, 'utf8')) as { hostId?: string; startedAt?: string; version?: string };
    return { pid: owner.pid, hostId: info.hostId ?? null, startedAt: info.startedAt ?? null, version: info.version ?? null };
  } catch {
    return { pid: owner.pid, hostId: null, startedAt: null, version: null };
  }
}

/**
 * `tunnelforge sessions status|stop-host`: the session host that keeps terminals alive across agent
 * restarts. `stop-host` ends it and every session it runs (SIGTERM: the host hangs up each terminal,
 * as closing its window would); a running agent reports those sessions ended.
 */
export function registerSessionsCommands(program: Command, ctx: CliContext): void {
  const sessions = program.command('sessions').description('the session host that keeps terminals running across agent restarts');
  const withLocation = (command: Command) => command.addOption(configOption()).option('--data-dir <dir>', 'state directory (overrides config and TUNNELFORGE_DATA_DIR)');

  withLocation(sessions.command('status').description('say whether a session host runs for the data dir').option('--json', 'print JSON')).action(
    async (flags: Location & { json?: boolean }) => {
      const dataDir = await resolveCliDataDir(ctx.io, flags);
      const host = runningHost(dataDir);
      if (flags.json) ctx.io.stdout.write(JSON.stringify({ dataDir, running: host !== null, ...host }) + '\n');
      else ctx.io.stdout.write(host === null ? `no session host runs for ${dataDir}\n` : `session host pid ${host.pid} (tunnelforge ${host.version ?? '?'}, id ${host.hostId ?? '?'}, since ${host.startedAt ?? '?'}) serves ${dataDir}\n`);
      ctx.exitCode = 0;
    },
  );

  withLocation(sessions.command('stop-host').description('end the session host and every terminal session it runs')).action(async (flags: Location) => {
    const dataDir = await resolveCliDataDir(ctx.io, flags);
    const host = runningHost(dataDir);
    if (host === null) {
      ctx.io.stdout.write(`no session host runs for ${dataDir}\n`);
      ctx.exitCode = 0;
      return;
    }
    process.kill(host.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (runningHost(dataDir) !== null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (runningHost(dataDir) !== null) {
      ctx.io.stderr.write(`the session host (pid ${host.pid}) did not stop within 10 s\n`);
      ctx.exitCode = 1;
      return;
    }
    ctx.io.stdout.write(`stopped the session host (pid ${host.pid}) and its sessions\n`);
    ctx.exitCode = 0;
  });
}
