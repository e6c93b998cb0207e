import type { Command } from 'commander';
import { BootError } from '../kernel/kernel';
import type { CliContext } from './cli-context';
import { configOption, logLevelOption, parsePort } from './cli-options';
import { formatProblem } from './format-problem';
import { loadAgent, type OverrideFlags } from './load-agent';
import { VERSION } from '../agent/version';
import { removeReadyFile, writeReadyFile } from './ready-file';

/** `tunnelforge [start]`: run the agent until SIGINT/SIGTERM. The default command. */
export function registerStartCommand(program: Command, ctx: CliContext): void {
  program
    .command('start', { isDefault: true })
    .description('start the agent (the default command)')
    .addOption(configOption())
    .option('--host <host>', 'address to bind (overrides config and TUNNELFORGE_HOST)')
    .option('--port <port>', 'TCP port, 0 for any free one (overrides config and TUNNELFORGE_PORT)', parsePort)
    .option('--data-dir <dir>', 'state directory (overrides config and TUNNELFORGE_DATA_DIR)')
    .addOption(logLevelOption('log level (overrides config and TUNNELFORGE_LOG_LEVEL)'))
    .option('--ready-file <path>', 'once ready, write { url, pid, instanceId, version, startedAt } there as JSON (atomically); removed at shutdown')
    .action(async (flags: OverrideFlags & { readyFile?: string }) => {
      ctx.exitCode = await start(flags, ctx);
    });
}

async function start(flags: OverrideFlags & { readyFile?: string }, { io }: CliContext): Promise<number> {
  const { agent, config, filepath, logger, logFile } = await loadAgent(io, flags, { to: 'stdout', file: true });
  const signals = io.signals ?? process;
  const exit = io.exit ?? ((code: number) => process.exit(code));

  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let stopping = false;
  let deadline: NodeJS.Timeout | undefined;
  const forceExit = (code: number) => {
    exit(code);
    finish(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('second signal: exiting without waiting for shutdown', { signal });
      return forceExit(1);
    }
    stopping = true;
    logger.info('stopping', { signal, timeoutMs: config.shutdownTimeoutMs });
    deadline = setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting', { timeoutMs: config.shutdownTimeoutMs });
      forceExit(1);
    }, config.shutdownTimeoutMs);
    agent.stop(signal).then(
      () => finish(0),
      (error: unknown) => {
        logger.error('shutdown failed', { err: error });
        finish(1);
      },
    );
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  // The agent runs until a signal, even when no plugin holds the event loop open.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    try {
      await agent.start();
    } catch (error) {
      if (stopping) return await finished;
      await agent.stop('boot failed').catch(() => undefined);
      if (!(error instanceof BootError)) throw error;
      io.stderr.write(`tunnelforge: cannot start: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}\n`);
      for (const problem of error.problems) io.stderr.write(`  ${formatProblem(problem)}\n`);
      return 1;
    }
    if (!stopping) {
      const report = agent.report();
      const active = report.filter((p) => p.state === 'active').map((p) => p.id);
      const url = agent.agent?.localUrl() ?? null;
      logger.info(`tunnelforge ${VERSION} ready${url ? ` at ${url}` : ''}; active plugins: ${active.join(', ') || 'none'}`, {
        ready: true,
        url,
        active,
        config: filepath,
      });
      if (flags.readyFile && agent.agent) {
        const readyFile = flags.readyFile;
        await writeReadyFile(readyFile, agent.agent).catch((error: unknown) => logger.error('cannot write the ready file', { file: readyFile, error: String(error) }));
      }
      if (agent.degraded) {
        const failed = report.filter((p) => p.state === 'failed');
        logger.warn(`running degraded: ${failed.map((p) => `${p.id} (${p.reason ?? 'failed'})`).join(', ')}`, {
          failed: failed.map((p) => p.id),
        });
      }
    }
    return await finished;
  } finally {
    if (flags.readyFile) await removeReadyFile(flags.readyFile).catch(() => undefined);
    clearTimeout(deadline);
    clearInterval(keepAlive);
    await logFile?.close();
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
}
