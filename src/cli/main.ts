import { Command } from 'commander';
import { registerHashPasswordCommand } from './auth-hash-password-command';
import { registerLogsCommand } from './logs-command';
import { registerPairCommand } from './pair-command';
import { registerServiceCommands } from './service-command';
import type { CliContext } from './cli-context';
import type { CliIo } from './cli-io';
import { registerConfigCheckCommand } from './config-check-command';
import { registerConfigSchemaCommand } from './config-schema-command';
import { registerPluginNewCommand } from './plugin-new-command';
import { registerPluginsLsCommand } from './plugins-ls-command';
import { VERSION } from '../agent/version';
import { reportError } from './report-error';
import { registerSessionsCommands } from './sessions-commands';
import { registerStartCommand } from './start-command';
import { registerTokenCommands } from './token-commands';

/**
 * Run the CLI with `argv` (without `node` and the script) and resolve to the exit code:
 * 0 success, 1 failure, 2 usage error. Never throws and never calls `process.exit` itself (except the
 * forced exits of `start`, through `io.exit`).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0 };
  const program = new Command('tunnelforge')
    .description('Share terminals with many clients; a plugin kernel handles power, tunnels, monitoring and auth.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run tunnelforge --help for usage)')
    .version(VERSION, '-V, --version', 'print the version');

  registerStartCommand(program, ctx);
  // `plugin new` reads better than `plugins new`; both spellings reach the same commands.
  const plugins = program.command('plugins').alias('plugin').description('inspect plugins, or create a new plugin package');
  registerPluginsLsCommand(plugins, ctx);
  registerPluginNewCommand(plugins, ctx);
  const config = program.command('config').description('validate the config or print its schema');
  registerConfigCheckCommand(config, ctx);
  registerConfigSchemaCommand(config, ctx);
  const auth = program.command('auth').description('authentication helpers');
  registerHashPasswordCommand(auth, ctx);
  registerTokenCommands(program, ctx);
  registerSessionsCommands(program, ctx);
  registerLogsCommand(program, ctx);
  registerPairCommand(program, ctx);
  registerServiceCommands(program, ctx);

  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== 'help' && !program.commands.some((c) => c.name() === first || c.aliases().includes(first))) {
    // Without this, an unknown word would reach the default command as "too many arguments for 'start'".
    io.stderr.write(`error: unknown command '${first}'\n(run tunnelforge --help for usage)\n`);
    return 2;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, io.stderr, wantsStackTraces(argv, io.env));
  }
}

/** Entry point of `bin/tunnelforge.js`: run with the real process, then exit with the code. */
export function main(): void {
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
    (code) => {
      process.exitCode = code;
      // Let buffered output drain, then exit even if a plugin left a handle open.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
  );
}

/** Stack traces only at log level debug or trace (flag or TUNNELFORGE_LOG_LEVEL). */
function wantsStackTraces(argv: readonly string[], env: CliIo['env']): boolean {
  let level = env.TUNNELFORGE_LOG_LEVEL;
  argv.forEach((arg, i) => {
    if (arg === '--log-level') level = argv[i + 1];
    else if (arg.startsWith('--log-level=')) level = arg.slice('--log-level='.length);
  });
  return level === 'debug' || level === 'trace';
}
