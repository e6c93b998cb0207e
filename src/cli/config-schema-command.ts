import type { Command } from 'commander';
import { createAgent } from '../agent/create-agent';
import { agentConfigSchema } from '../kernel/config/agent-config-schema';
import { buildConfigJsonSchema } from '../kernel/config/build-config-json-schema';
import { ConfigError } from '../kernel/config/config-error';
import { createLogger } from '../kernel/logger/create-logger';
import type { CliContext } from './cli-context';
import { configOption } from './cli-options';
import { loadAgent, type OverrideFlags } from './load-agent';

/**
 * `tunnelforge config schema`: JSON Schema (draft 2020-12) of the config, with the option schema of
 * every plugin discovered for this config (builtins, listed and discovered packages).
 */
export function registerConfigSchemaCommand(config: Command, ctx: CliContext): void {
  config
    .command('schema')
    .description('print the JSON Schema of the config, including every discovered plugin\'s options')
    .addOption(configOption())
    .action(async (flags: OverrideFlags) => {
      const { io } = ctx;
      let loaded: Awaited<ReturnType<typeof loadAgent>>;
      try {
        loaded = await loadAgent(io, { config: flags.config }, { to: 'stderr', level: 'warn' });
      } catch (error) {
        // A broken config still deserves a schema (to fix it with): use the builtins only.
        if (!(error instanceof ConfigError) || error.code === 'TF_ERR_CONFIG_NOT_FOUND') throw error;
        io.stderr.write(`tunnelforge: ${error.message.split('\n')[0]}; schema shows built-in plugins only\n`);
        const fallback = agentConfigSchema.parse({});
        const logger = createLogger({ level: 'warn', format: 'auto', destination: io.stderr });
        loaded = { agent: (io.createAgent ?? createAgent)({ config: fallback, logger, configDir: io.cwd }), config: fallback, filepath: null, logger };
      }
      const { agent } = loaded;
      try {
        await agent.load();
        io.stdout.write(JSON.stringify(buildConfigJsonSchema(agent.definitions()), null, 2) + '\n');
      } finally {
        await agent.stop('config schema');
      }
      ctx.exitCode = 0;
    });
}
