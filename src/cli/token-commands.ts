import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Role } from '../plugin-api';
import { ApiTokenFile } from '../plugins/auth-token/api-token-file';
import { parseDuration } from '../plugins/shared/parse-duration';
import type { CliContext } from './cli-context';
import { configOption } from './cli-options';
import { recordCliAudit } from './record-cli-audit';
import { resolveCliDataDir } from './resolve-cli-data-dir';

interface Location {
  config?: string;
  dataDir?: string;
}

function parseExpiry(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError('expected a duration such as 90m, 12h, 30d or 2w.');
  return ms;
}

function withLocation(command: Command): Command {
  return command.addOption(configOption()).option('--data-dir <dir>', 'state directory (overrides config and TUNNELFORGE_DATA_DIR)');
}

/**
 * `tunnelforge token create|ls|revoke`: manage API tokens in the data dir directly (no running agent
 * needed; a running one picks the change up within a second).
 */
export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('manage API tokens (long-lived credentials for scripts and desktop clients)');

  withLocation(
    token
      .command('create')
      .description('create an API token and print it (once: only its hash is kept)')
      .requiredOption('--name <name>', 'what the token is for (shown in token ls)')
      .addOption(new Option('--role <role>', 'what it may do').choices(['admin', 'writer', 'viewer']).makeOptionMandatory())
      .option('--expires-in <duration>', 'lifetime such as 30d, 12h or 2w (default: no expiry)', parseExpiry)
      .option('--json', 'print the token and its details as JSON'),
  ).action(async (flags: Location & { name: string; role: Role; expiresIn?: number; json?: boolean }) => {
    const { io } = ctx;
    if (flags.name.length === 0 || flags.name.length > 100) throw new Error('--name must have 1 to 100 characters');
    const dataDir = await resolveCliDataDir(io, flags);
    const store = new ApiTokenFile(dataDir);
    const expiresAt = flags.expiresIn === undefined ? null : new Date(Date.now() + flags.expiresIn);
    const { token: secret, info } = await store.create({ name: flags.name, role: flags.role, expiresAt });
    await recordCliAudit(dataDir, { action: 'token.create', target: info.id, details: { name: info.name, role: info.role, expiresAt: info.expiresAt } }, io.stderr);
    if (flags.json) {
      io.stdout.write(JSON.stringify({ ...info, token: secret }, null, 2) + '\n');
    } else {
      io.stdout.write(`${secret}\n`);
      io.stderr.write(`created API token ${info.id} "${info.name}" (${info.role}, ${info.expiresAt === null ? 'no expiry' : `expires ${info.expiresAt}`}); it is shown only now\n`);
    }
    ctx.exitCode = 0;
  });

  withLocation(token.command('ls').description('list API tokens (never their secrets)').option('--json', 'print a JSON array')).action(
    async (flags: Location & { json?: boolean }) => {
      const { io } = ctx;
      const tokens = await new ApiTokenFile(await resolveCliDataDir(io, flags)).list();
      if (flags.json) {
        io.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
      } else if (tokens.length === 0) {
        io.stdout.write('no API tokens\n');
      } else {
        const now = Date.now();
        const rows = [
          ['ID', 'NAME', 'ROLE', 'CREATED', 'EXPIRES'],
          ...tokens.map((t) => [t.id, t.name, t.role, t.createdAt, t.expiresAt === null ? 'never' : `${t.expiresAt}${Date.parse(t.expiresAt) <= now ? ' (expired)' : ''}`]),
        ];
        const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
        io.stdout.write(rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')).join('\n') + '\n');
      }
      ctx.exitCode = 0;
    },
  );

  withLocation(token.command('revoke').description('revoke an API token by id').argument('<id>', 'token id (see token ls)')).action(async (id: string, flags: Location) => {
    const { io } = ctx;
    const dataDir = await resolveCliDataDir(io, flags);
    const found = await new ApiTokenFile(dataDir).revoke(id);
    if (found) {
      await recordCliAudit(dataDir, { action: 'token.revoke', target: id }, io.stderr);
      io.stdout.write(`revoked API token ${id}\n`);
      ctx.exitCode = 0;
    } else {
      io.stderr.write(`tunnelforge: no API token ${JSON.stringify(id)} (see tunnelforge token ls)\n`);
      ctx.exitCode = 1;
    }
  });
}
