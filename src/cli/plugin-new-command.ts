import * as path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import { scaffoldPlugin } from './plugin-new-scaffold';

/** `tunnelforge plugin new <name> [--dir] [--tunnelforge <spec>]`: create a plugin package that tests itself against the real agent. */
export function registerPluginNewCommand(plugins: Command, ctx: CliContext): void {
  plugins
    .command('new <name>')
    .description('create a plugin package (route, typed event, detect, tests with startTestAgent, README)')
    .option('--dir <dir>', 'directory to create, missing or empty (default: ./<name>)')
    .option('--tunnelforge <spec>', 'npm spec of the tunnelforge to develop against: a range, a path or a .tgz (default: this version)')
    .action(async (name: string, flags: { dir?: string; tunnelforge?: string }) => {
      const { io } = ctx;
      const dir = path.resolve(io.cwd, flags.dir ?? name);
      const result = await scaffoldPlugin({ name, dir, tunnelforge: flags.tunnelforge });
      const shown = path.relative(io.cwd, result.dir) || '.';
      io.stdout.write(`created ${result.packageName} (plugin id "${result.id}") in ${shown}:\n`);
      for (const file of result.files) io.stdout.write(`  ${file}\n`);
      io.stdout.write(`\nnext:\n  cd ${shown}\n  npm install\n  npm test\n`);
      ctx.exitCode = 0;
    });
}
