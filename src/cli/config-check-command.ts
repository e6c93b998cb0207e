import type { Command } from 'commander';
import { ConfigError } from '../kernel/config/config-error';
import type { CliContext } from './cli-context';
import { configOption, logLevelOption } from './cli-options';
import { formatProblem } from './format-problem';
import { loadAgent, type OverrideFlags } from './load-agent';

/**
 * `tunnelforge config check`: validate the config, then load the plugins (discovery, gating, each
 * plugin's config slice, the capability graph) without starting anything. Prints every problem;
 * exit 1 when there is any.
 */
export function registerConfigCheckCommand(config: Command, ctx: CliContext): void {
  config
    .command('check')
    .description('validate the config and the plugin setup it describes, without starting anything')
    .addOption(configOption())
    .addOption(logLevelOption('log level while loading plugins (default: warn, on stderr)'))
    .action(async (flags: OverrideFlags) => {
      const { io } = ctx;
      let loaded: Awaited<ReturnType<typeof loadAgent>>;
      try {
        loaded = await loadAgent(io, { config: flags.config, logLevel: flags.logLevel }, { to: 'stderr', level: flags.logLevel ?? 'warn' });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const lines = error.issues.length
          ? error.issues.map((issue) => formatProblem({ code: error.code, ...issue }))
          : [`${error.code} ${error.message}`];
        for (const line of lines) io.stdout.write(line + '\n');
        io.stdout.write(`config has ${plural(lines.length, 'problem')}${error.filepath ? ` (${error.filepath})` : ''}\n`);
        ctx.exitCode = 1;
        return;
      }
      const { agent, filepath } = loaded;
      try {
        await agent.load();
        const problems = agent.problems();
        for (const problem of problems) io.stdout.write(formatProblem(problem) + '\n');
        const file = filepath ?? 'no config file; defaults, environment and flags';
        if (problems.length > 0) {
          io.stdout.write(`config has ${plural(problems.length, 'problem')} (${file})\n`);
          ctx.exitCode = 1;
        } else {
          io.stdout.write(`config OK (${file})\n`);
          ctx.exitCode = 0;
        }
      } finally {
        await agent.stop('config check');
      }
    });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
