import type { Command } from 'commander';
import type { PluginReport } from '../kernel/kernel';
import type { CliContext } from './cli-context';
import { configOption, logLevelOption } from './cli-options';
import { fetchLivePlugins } from './fetch-live-plugins';
import { formatProblem } from './format-problem';
import { loadAgent, type OverrideFlags } from './load-agent';

/**
 * `tunnelforge plugins ls [--json]`: every discovered plugin, its state and why. When an agent with
 * this config is running, its live states (`active`, `failed`...) are shown; otherwise a dry run
 * (discovery, gates, graph; nothing activated) shows what would happen (`ready`).
 */
export function registerPluginsLsCommand(plugins: Command, ctx: CliContext): void {
  plugins
    .command('ls')
    .description('list plugins with their state (active, skipped, disabled, ...) and why')
    .option('--json', 'print a JSON array of plugin reports')
    .option('--dry-run', 'do not ask a running agent; evaluate the config here')
    .addOption(configOption())
    .addOption(logLevelOption('log level while loading plugins (default: warn, on stderr)'))
    .action(async (flags: OverrideFlags & { json?: boolean; dryRun?: boolean }) => {
      const { io } = ctx;
      const { agent, config } = await loadAgent(io, { config: flags.config, logLevel: flags.logLevel }, { to: 'stderr', level: flags.logLevel ?? 'warn' });
      const live = flags.dryRun ? null : await fetchLivePlugins(config);
      if (live) {
        io.stdout.write(flags.json ? JSON.stringify(live, null, 2) + '\n' : `running agent on ${config.host}:${config.port}\n` + renderTable(live));
        ctx.exitCode = 0;
        return;
      }
      try {
        await agent.load();
        const report = agent.report();
        if (flags.json) {
          io.stdout.write(JSON.stringify(report, null, 2) + '\n');
        } else {
          io.stdout.write(renderTable(report));
          const problems = agent.problems();
          if (problems.length > 0) {
            io.stderr.write(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} (see tunnelforge config check):\n`);
            for (const problem of problems) io.stderr.write(`  ${formatProblem(problem)}\n`);
          }
        }
      } finally {
        await agent.stop('plugins ls');
      }
      ctx.exitCode = 0;
    });
}

function renderTable(report: readonly PluginReport[]): string {
  if (report.length === 0) return 'no plugins found\n';
  const rows = [
    ['ID', 'STATE', 'SOURCE', 'VERSION', 'PROVIDES', 'REASON'],
    ...report.map((p) => [
      p.id + (p.required ? '*' : ''),
      p.state,
      p.source === 'builtin' ? 'builtin' : (p.package ?? p.source),
      p.version ?? '-',
      p.provides.join(',') || '-',
      p.reason ?? '',
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  const lines = rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ').trimEnd());
  const note = report.some((p) => p.required) ? '* required: failing to activate stops the agent\n' : '';
  return lines.join('\n') + '\n' + note;
}
