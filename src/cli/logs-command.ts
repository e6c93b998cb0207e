import { open } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { formatPrettyLine } from '../kernel/logger/format-pretty-line';
import { agentLogFiles, auditLogFile, logsDir } from '../plugins/shared/log-files';
import { readLastLines, readLastLinesWithEnd } from '../plugins/shared/read-last-lines';
import type { CliContext } from './cli-context';
import { configOption } from './cli-options';
import { resolveCliDataDir } from './resolve-cli-data-dir';

/** How often `--follow` looks for new lines and for a rotated file. */
const FOLLOW_INTERVAL_MS = 200;

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100_000) throw new InvalidArgumentError('expected a number of lines from 1 to 100000.');
  return Number(value);
}

interface LogsFlags {
  config?: string;
  dataDir?: string;
  follow?: boolean;
  lines: number;
  json?: boolean;
  audit?: boolean;
}

/**
 * `tunnelforge logs [-f] [-n N] [--json] [--audit]`: the agent's log file (or the audit trail) from
 * the data dir, readable lines by default. No running agent is needed; `-f` follows the file across
 * rotations until Ctrl-C.
 */
export function registerLogsCommand(program: Command, ctx: CliContext): void {
  program
    .command('logs')
    .description('print the agent log file from the data dir (-f to follow it); --audit for the audit trail')
    .addOption(configOption())
    .option('--data-dir <dir>', 'state directory (overrides config and TUNNELFORGE_DATA_DIR)')
    .option('-f, --follow', 'keep printing new lines as they are written (Ctrl-C to stop)')
    .option('-n, --lines <n>', 'how many of the newest lines to print first', parseCount, 50)
    .option('--json', 'print the JSON lines as written')
    .option('--audit', 'the audit trail (logins, tokens, shares, pairing, sessions, tunnels) instead of the log')
    .action(async (flags: LogsFlags) => {
      ctx.exitCode = await logs(flags, ctx);
    });
}

async function logs(flags: LogsFlags, { io }: CliContext): Promise<number> {
  const dir = logsDir(await resolveCliDataDir(io, flags));
  const files = async () => (flags.audit ? [auditLogFile(dir)] : agentLogFiles(dir));
  const print = (line: string) => {
    if (line === '') return;
    if (flags.json) return void io.stdout.write(line + '\n');
    try {
      io.stdout.write(formatPrettyLine(JSON.parse(line) as Record<string, unknown>, { colors: io.stdout.isTTY === true && !io.env.NO_COLOR }));
    } catch {
      io.stdout.write(line + '\n');
    }
  };

  const existing = await files();
  // The newest file's lines and where they end come from one read: following continues exactly
  // there (a stat after printing would skip what was appended in between).
  const newest = existing.length === 0 ? null : await readLastLinesWithEnd(existing[existing.length - 1], flags.lines);
  let lines: string[] = newest?.lines ?? [];
  for (let i = existing.length - 2; i >= 0 && lines.length < flags.lines; i--) lines = [...(await readLastLines(existing[i], flags.lines - lines.length)), ...lines];
  if (lines.length === 0 && !flags.follow) {
    io.stderr.write(`no ${flags.audit ? 'audit entries' : 'log lines'} in ${dir} yet (the agent writes them while it runs: tunnelforge start)\n`);
    return 0;
  }
  lines.forEach(print);
  if (!flags.follow) return 0;

  // Follow: from the end of the newest file; a newer file (rotation) is read from its start.
  let current = existing[existing.length - 1] ?? null;
  let offset = newest?.end ?? 0;
  let partial = '';
  const signals = io.signals ?? process;
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signals.on('SIGINT', stop);
  signals.on('SIGTERM', stop);
  try {
    let done = false;
    void stopped.then(() => (done = true));
    while (!done) {
      const newest = (await files()).filter((f) => f !== null).pop() ?? null;
      if (current !== null) {
        const chunk = await readFrom(current, offset);
        offset += chunk.length;
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        parts.forEach(print);
      }
      if (newest !== null && newest !== current && !flags.audit) {
        current = newest;
        offset = 0;
        partial = '';
        continue;
      }
      if (current === null && newest !== null) current = newest;
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, FOLLOW_INTERVAL_MS))]);
    }
    return 0;
  } finally {
    signals.off('SIGINT', stop);
    signals.off('SIGTERM', stop);
  }
}

/** The bytes of `file` from `offset` to its end (none when it is gone or shorter: it was rotated). */
async function readFrom(file: string, offset: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
