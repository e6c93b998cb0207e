import type { Command } from 'commander';
import { loadConfig } from '../kernel/config/load-config';
import type { CliContext } from './cli-context';
import { configOption } from './cli-options';
import { createServiceManager } from './service/create-service-manager';
import type { ServiceManager } from './service/service-manager';
import { serviceTarget } from './service/service-target';

interface Location {
  config?: string;
  dataDir?: string;
}

/**
 * `tunnelforge service install|uninstall|status`: run the agent as the user's service — a systemd
 * user unit on Linux, a launchd agent on macOS, a scheduled task on Windows — started at login,
 * restarted on failure, with the config and data dir in force when it was installed. Where the
 * service manager is missing, it says so and changes nothing.
 */
export function registerServiceCommands(program: Command, ctx: CliContext): void {
  const service = program.command('service').description('run the agent as a service of your user (systemd, launchd, Task Scheduler)');
  const withLocation = (command: Command) => command.addOption(configOption()).option('--data-dir <dir>', 'state directory (overrides config and TUNNELFORGE_DATA_DIR)');

  withLocation(service.command('install').description('install and start the service with the current config and data dir').option('--print', 'print the unit, plist or task XML and change nothing')).action(
    async (flags: Location & { print?: boolean }) => {
      const { io } = ctx;
      const manager = await usableManager(ctx, flags.print === true);
      if (manager === null) return;
      const { config, filepath } = await loadConfig({ configPath: flags.config, cwd: io.cwd, env: io.env, overrides: { dataDir: flags.dataDir }, overrideLabels: { dataDir: '--data-dir' } });
      const target = serviceTarget({ configFile: filepath, dataDir: config.dataDir, cwd: io.cwd });
      if (flags.print) {
        io.stdout.write(manager.render(target));
        ctx.exitCode = 0;
        return;
      }
      if (config.port === 0) io.stderr.write('note: the config says port 0, so the service listens on a different port at every start; set a port\n');
      for (const line of await manager.install(target)) io.stdout.write(line + '\n');
      ctx.exitCode = 0;
    },
  );

  service.command('uninstall').description('stop the service and remove it').action(async () => {
    const manager = await usableManager(ctx, false);
    if (manager === null) return;
    const removed = await manager.uninstall();
    ctx.io.stdout.write(removed ? `stopped and removed the ${manager.name} service\n` : `no ${manager.name} service was installed; nothing to remove\n`);
    ctx.exitCode = 0;
  });

  service.command('status').description('whether the service is installed and running').option('--json', 'print { installed, state, location }').action(async (flags: { json?: boolean }) => {
    const manager = await usableManager(ctx, false);
    if (manager === null) return;
    const status = await manager.status();
    if (flags.json) ctx.io.stdout.write(JSON.stringify({ manager: manager.name, ...status }) + '\n');
    else ctx.io.stdout.write(status.installed ? `${manager.name}: installed (${status.location}), ${status.state}\n` : `${manager.name}: not installed (tunnelforge service install)\n`);
    // 0 when it runs, like systemctl is-active: scripts can test it.
    ctx.exitCode = status.installed && /^(active|running|Running|Ready)$/.test(status.state ?? '') ? 0 : 3;
  });
}

/** This platform's manager when it can be used; else says why (exit 1) and returns null. `--print` needs none running. */
async function usableManager(ctx: CliContext, printOnly: boolean): Promise<ServiceManager | null> {
  const manager = createServiceManager(ctx.io.platform ?? process.platform, ctx.io.env);
  const problem = typeof manager === 'string' ? manager : printOnly ? null : await manager.unavailable();
  if (problem !== null) {
    ctx.io.stderr.write(`tunnelforge: ${problem}. Nothing was changed.\n`);
    ctx.exitCode = 1;
    return null;
  }
  return manager as ServiceManager;
}
